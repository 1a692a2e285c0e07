import { DomainError, type TraceCarrier } from '@casino/contracts';
import { currentTraceCarrier, inBatchSpan, SpanKind } from '@casino/platform';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { observeBatch } from '../../../common/batching/batch-metrics';
import { AppConfig } from '../../../config/app-config';
import { LedgerLoader } from './ledger-loader';
import { applyCommands, type CommandOutcome } from './ledger-state-machine';
import type { LedgerState, TransactionWrite } from './ledger-state';
import type { LedgerCommand, LedgerResult } from './ledger.types';
import { LedgerRepository } from './ledger.repository';
import { LedgerBalanceCache } from './ledger-balance-cache';
import { countCommitted, countSingleStatement } from './ledger-metrics';
import { isConnectionLost, sqlStateOf } from '../../../infra/database/prepared-statement';
import type { AttachedStatement } from '../../../infra/database/attached-statement';

/**
 * Work a command adds to its transaction once accepted (the staff audit record of an adjustment, a bonus's status);
 * `amount` is the transaction's (for a bonus release: what the ledger read under lock).
 */
export type WithinTransaction = (manager: EntityManager, result: LedgerResult, amount: bigint) => Promise<void>;

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
  /** The trace of the command the item rode with, for the events the writer adds (ADR 0008). */
  trace: TraceCarrier | null;
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
  /** The submitter's trace: the batch's span links it, the command's events carry it. */
  trace: TraceCarrier | null;
  resolve: (result: LedgerResult) => void;
  reject: (error: unknown) => void;
}

/** A concurrent batch took one of our idempotency keys first: run the batch again, it will see it. */
class KeyTakenConcurrently extends Error {}

const MAX_ATTEMPTS = 5;
/** `ledger_abort_batch`: a single-statement batch found a balance, key or condition other than it assumed. */
const BATCH_ABORTED = 'LB001';
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
  /** Players' balances as this process last saw them committed: what a single-statement batch starts from. */
  private readonly figures = new LedgerBalanceCache();

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
      this.queue.push({ command, withinTransaction, attachment, trace: currentTraceCarrier(), resolve, reject });
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

  /** One span per batch (never one per command), linking every command's trace (ADR 0008). */
  private run(batch: Pending[]): Promise<void> {
    return inBatchSpan(
      'ledger.batch',
      batch.map((item) => item.trace),
      { kind: SpanKind.INTERNAL },
      () => this.runBatch(batch),
    );
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const startedAt = process.hrtime.bigint();
    try {
      const outcomes = await this.executeWithRetries(batch);
      observeBatch('ledger', batch.length, startedAt);
      countCommitted(
        batch.map((item) => item.command.type),
        outcomes,
      );
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
    const alone = this.config.WALLET_LEDGER_SINGLE_STATEMENT ? await this.executeAlone(batch) : null;
    return alone ?? this.executeLocked(batch);
  }

  /**
   * The batch as one statement from the balances this process last saw committed (ADR 0011, fifth pass): no
   * `BEGIN`, no locked read, no `COMMIT` of its own. The statement locks the accounts and stands only if they still
   * hold those balances, every key is new and every attachment's condition holds; else nothing is written and the
   * batch runs again under lock (`executeLocked`), as it does when the statement is not possible: another kind of
   * command, a balance not known, a refusal or replay (decided only on locked balances), an attachment without
   * a condition or work inside the transaction.
   */
  private async executeAlone(batch: Pending[]): Promise<CommandOutcome[] | null> {
    const commands = batch.map((item) => item.command);
    const loaded = batch.some((item) => item.withinTransaction)
      ? null
      : await this.loader.loadFromFigures(commands, this.figures);
    const outcomes = loaded ? stampTraces(batch, applyCommands(loaded.state, commands)) : [];
    const writes = outcomes.flatMap((outcome) => (outcome.ok && outcome.write ? [outcome.write] : []));
    const groups = attachedGroups(batch, outcomes);
    const possible =
      loaded !== null &&
      writes.length === batch.length &&
      groups.every(({ writer, statement }) => statement && (!writer.finish || statement.mustHold !== undefined));
    if (!possible) {
      countSingleStatement('not_tried');
      return null;
    }
    const runner = await this.takeRunner();
    try {
      const fragments = groups.flatMap((group) => (group.statement ? [group.statement] : []));
      await this.repository.insertBatchAlone(runner, writes, fragments, loaded.guard);
    } catch (error) {
      // One statement in its own transaction: nothing of it stays. A lost connection may have committed it; the
      // locked run then finds its keys and answers replays.
      this.figures.forget(loaded.guard.accountIds);
      await releaseAfter(runner, error);
      countSingleStatement('aborted');
      if (sqlStateOf(error) !== BATCH_ABORTED) this.logger.warn({ err: error }, 'single-statement ledger batch failed');
      return null;
    }
    this.idleRunners.push({ runner, since: Date.now() });
    this.figures.remember(playerFigures(loaded.state));
    countSingleStatement('committed');
    return outcomes;
  }

  private async executeLocked(batch: Pending[]): Promise<CommandOutcome[]> {
    const commands = batch.map((item) => item.command);
    const runner = await this.takeRunner();
    let reusable = false;
    let failure: unknown;
    await runner.connect();
    try {
      // The database default, READ COMMITTED (one round trip; `startTransaction(level)` would take two).
      // Correctness rests on the row locks, not on the isolation level: a stricter default stays correct
      // and its serialization failures are retried.
      await runner.startTransaction();
      const state = await this.loader.load(runner, commands);
      const outcomes = stampTraces(batch, applyCommands(state, commands));
      const writes = outcomes.flatMap((outcome) => (outcome.ok && outcome.write ? [outcome.write] : []));
      if (writes.length > 0) await this.write(runner.manager, writes, batch, outcomes);
      await runner.commitTransaction();
      reusable = true;
      this.figures.remember(playerFigures(state));
      return outcomes;
    } catch (error) {
      failure = error;
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      if (reusable) this.idleRunners.push({ runner, since: Date.now() });
      else await releaseAfter(runner, failure);
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
      if (item.withinTransaction && outcome?.ok && outcome.write) {
        await item.withinTransaction(manager, outcome.result, outcome.write.amount);
      }
    }
    let fragment = 0;
    for (const { writer, items, statement } of groups) {
      if (statement && writer.finish) await writer.finish(manager, items, outputs[fragment++]);
      else await writer.write(manager, items);
    }
  }
}

/** Gives each write the trace of the command that made it (outcomes are in batch order). */
function stampTraces(batch: Pending[], outcomes: CommandOutcome[]): CommandOutcome[] {
  outcomes.forEach((outcome, index) => {
    if (outcome.ok && outcome.write) outcome.write.trace = batch[index]?.trace ?? null;
  });
  return outcomes;
}

/** The batch's attachments by writer, for the commands that moved money, each with its fragment if it gives one. */
function attachedGroups(batch: Pending[], outcomes: CommandOutcome[]): AttachedGroup[] {
  const byWriter = new Map<AttachedWriter<unknown>, AttachedItem<unknown>[]>();
  for (const [index, item] of batch.entries()) {
    const outcome = outcomes[index];
    if (!item.attachment || !outcome?.ok || !outcome.write) continue;
    const items = byWriter.get(item.attachment.writer) ?? [];
    items.push({ payload: item.attachment.payload, result: outcome.result, trace: item.trace });
    byWriter.set(item.attachment.writer, items);
  }
  return [...byWriter].map(([writer, items]) => ({
    writer,
    items,
    statement: writer.finish ? (writer.statement?.(items) ?? null) : null,
  }));
}

/**
 * A connection that saw an error goes back to the pool; one that was lost is handed back with its error, so that
 * the pool closes it instead of lending it out again (the pool notices a broken idle connection only by chance).
 */
async function releaseAfter(runner: QueryRunner, error: unknown): Promise<void> {
  if (isConnectionLost(error) && runner instanceof PostgresQueryRunner) {
    // TypeORM's own release-with-error (what it does when the connection emits an error), typed private.
    const withError = runner as unknown as { releasePostgresConnection(error: unknown): Promise<void> };
    await withError.releasePostgresConnection(error);
    return;
  }
  await runner.release();
}

/** The players' balances of a batch's state (read under lock or from figures, then moved by its commands). */
function playerFigures(state: LedgerState): [string, bigint][] {
  return [...state.balances].filter(([id]) => state.accountKinds.get(id)?.startsWith('player_'));
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
