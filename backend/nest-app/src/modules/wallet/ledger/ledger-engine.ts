import { DomainError } from '@casino/contracts';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { observeBatch } from '../../../common/batching/batch-metrics';
import { AppConfig } from '../../../config/app-config';
import { LedgerLoader } from './ledger-loader';
import { applyCommands, type CommandOutcome } from './ledger-state-machine';
import type { TransactionWrite } from './ledger-state';
import type { LedgerCommand, LedgerResult } from './ledger.types';
import { LedgerRepository } from './ledger.repository';
import { isConnectionLost, sqlStateOf } from '../../../infra/database/prepared-statement';
import type { AttachedStatement } from '../../../infra/database/attached-statement';

/** Work a command adds to its transaction once accepted (the staff audit record of an adjustment). */
export type WithinTransaction = (manager: EntityManager, result: LedgerResult) => Promise<void>;

/**
 * Set-based work another module adds to the batch transaction (ADR 0011): called once per batch, after the
 * ledger's own writes, with every command of the batch that carried an attachment of this writer and moved
 * money in this transaction (not replays, not refusals). A throw fails the batch, which is then applied
 * command by command, so that it fails only the command whose attachment threw.
 */
export interface AttachedWriter<P> {
  write(manager: EntityManager, items: AttachedItem<P>[]): Promise<void>;
  /**
   * The same writes as a fragment of the ledger's own insert statement (no round trip of their own), or null
   * when these items need `write`. A writer that gives fragments also has `finish`.
   */
  statement?(items: AttachedItem<P>[]): AttachedStatement | null;
  /** After the combined statement, in the batch's transaction, with the fragment's `output`; may throw like `write`. */
  finish?(manager: EntityManager, items: AttachedItem<P>[], output: unknown): Promise<void>;
}

export interface AttachedItem<P> {
  payload: P;
  result: LedgerResult;
}

interface AttachedGroup {
  writer: AttachedWriter<unknown>;
  items: AttachedItem<unknown>[];
  statement: AttachedStatement | null;
}

export interface Attachment<P = unknown> {
  writer: AttachedWriter<P>;
  payload: P;
}

interface Pending {
  command: LedgerCommand;
  withinTransaction?: WithinTransaction;
  attachment?: Attachment;
  resolve: (result: LedgerResult) => void;
  reject: (error: unknown) => void;
}

/** A concurrent batch took one of our idempotency keys first: run the batch again, it will see it. */
class KeyTakenConcurrently extends Error {}

const MAX_ATTEMPTS = 5;
const RUNNER_MAX_IDLE_MS = 10_000;
/** Serialization failure, deadlock, unique violation: the batch may succeed when run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '23505']);

/**
 * Applies ledger commands with group commit: commands that arrive while a batch is running wait
 * and then go together into the next database transaction, which locks every account it touches
 * in id order, applies the commands one after another in memory, and writes everything with a
 * few set-based statements. Each command's effect is all-or-nothing and exactly as if it had run
 * alone in its batch position (ADR 0010). Light load gives batches of one; heavy load, larger ones.
 */
@Injectable()
export class LedgerEngine implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LedgerEngine.name);
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  /**
   * Connections kept between batches: taking one from the pool costs the serial section a turn of the loop. One
   * idle longer than `RUNNER_MAX_IDLE_MS` goes back to the pool instead (which checks and replaces connections).
   */
  private readonly idleRunners: { runner: QueryRunner; since: number }[] = [];

  public constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly loader: LedgerLoader,
    private readonly repository: LedgerRepository,
  ) {}

  /** Lets the batches already submitted finish before the database connection closes. */
  public async beforeApplicationShutdown(): Promise<void> {
    while (this.inFlight > 0 || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all(this.idleRunners.splice(0).map(({ runner }) => runner.release()));
  }

  public submit(
    command: LedgerCommand,
    withinTransaction?: WithinTransaction,
    attachment?: Attachment,
  ): Promise<LedgerResult> {
    return new Promise<LedgerResult>((resolve, reject) => {
      this.queue.push({ command, withinTransaction, attachment, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.config.WALLET_BATCH_MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.config.WALLET_BATCH_MAX_SIZE);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    const startedAt = process.hrtime.bigint();
    try {
      const outcomes = await this.executeWithRetries(batch);
      observeBatch('ledger', batch.length, startedAt);
      outcomes.forEach((outcome, index) => {
        const item = batch[index];
        if (outcome.ok) item?.resolve(outcome.result);
        else item?.reject(outcome.error);
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One command broke the whole batch (a constraint the model missed, a bad input): isolate it.
      this.logger.warn({ err: error, size: batch.length }, 'ledger batch failed; applying its commands one by one');
      for (const item of batch) await this.run([item]);
    }
  }

  private async executeWithRetries(batch: Pending[]): Promise<CommandOutcome[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.execute(batch);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  private async execute(batch: Pending[]): Promise<CommandOutcome[]> {
    const commands = batch.map((item) => item.command);
    const runner = await this.takeRunner();
    let reusable = false;
    await runner.connect();
    try {
      // The database default, READ COMMITTED (one round trip; `startTransaction(level)` would take two).
      // Correctness rests on the row locks, not on the isolation level: a stricter default stays correct
      // and its serialization failures are retried.
      await runner.startTransaction();
      const state = await this.loader.load(runner, commands);
      const outcomes = applyCommands(state, commands);
      const writes = outcomes.flatMap((outcome) => (outcome.ok && outcome.write ? [outcome.write] : []));
      if (writes.length > 0) await this.write(runner.manager, writes, batch, outcomes);
      await runner.commitTransaction();
      reusable = true;
      return outcomes;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      // A connection that saw an error goes back to the pool, which drops it if it broke.
      if (reusable) this.idleRunners.push({ runner, since: Date.now() });
      else await runner.release();
    }
  }

  private async takeRunner(): Promise<QueryRunner> {
    const idle = this.idleRunners.pop();
    // TypeORM releases a runner whose connection broke while it waited here.
    if (idle && !idle.runner.isReleased && Date.now() - idle.since <= RUNNER_MAX_IDLE_MS) return idle.runner;
    if (idle && !idle.runner.isReleased) await idle.runner.release();
    return this.dataSource.createQueryRunner();
  }

  private async write(
    manager: EntityManager,
    writes: TransactionWrite[],
    batch: Pending[],
    outcomes: CommandOutcome[],
  ): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner) throw new Error('the ledger writes inside a query runner');
    const groups = attachedGroups(batch, outcomes);
    const fragments = groups.flatMap((group) => (group.statement ? [group.statement] : []));
    const { inserted, outputs } = await this.repository.insertBatch(runner, writes, fragments);
    if (inserted !== writes.length) throw new KeyTakenConcurrently();
    await this.repository.insertHolds(runner, writes);
    await this.repository.resolveHolds(runner, writes);
    for (const [index, item] of batch.entries()) {
      const outcome = outcomes[index];
      if (item.withinTransaction && outcome?.ok && outcome.write) await item.withinTransaction(manager, outcome.result);
    }
    let fragment = 0;
    for (const { writer, items, statement } of groups) {
      if (statement && writer.finish) await writer.finish(manager, items, outputs[fragment++]);
      else await writer.write(manager, items);
    }
  }
}

/** The batch's attachments by writer, for the commands that moved money, each with its fragment if it gives one. */
function attachedGroups(batch: Pending[], outcomes: CommandOutcome[]): AttachedGroup[] {
  const byWriter = new Map<AttachedWriter<unknown>, AttachedItem<unknown>[]>();
  for (const [index, item] of batch.entries()) {
    const outcome = outcomes[index];
    if (!item.attachment || !outcome?.ok || !outcome.write) continue;
    const items = byWriter.get(item.attachment.writer) ?? [];
    items.push({ payload: item.attachment.payload, result: outcome.result });
    byWriter.set(item.attachment.writer, items);
  }
  return [...byWriter].map(([writer, items]) => ({
    writer,
    items,
    statement: writer.finish ? (writer.statement?.(items) ?? null) : null,
  }));
}

/**
 * Retried: a key taken by a concurrent batch, a serialization failure or deadlock, and a lost connection (a kept
 * connection the server ended: the batch runs again on a fresh one; if its COMMIT had landed, the idempotency keys
 * make the rerun a replay).
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof KeyTakenConcurrently) return true;
  if (error instanceof DomainError) return false;
  if (isConnectionLost(error)) return true;
  const code = sqlStateOf(error);
  return code !== undefined && RETRYABLE_SQLSTATES.has(code);
}
