import { GAME_ROUND_CLOSED, type GameRoundClosedV1 } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Coalescer } from '../../../common/batching/coalescer';
import { Clock } from '../../../common/time/clock';
import { isTransientConflict } from '../../../infra/database/prepared-statement';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import type { PlayRecord } from '../../user/responsible-gaming/rg-activity.repository';
import { ResponsibleGamingService } from '../../user/responsible-gaming/responsible-gaming.service';
import type { AttachedWriter, Attachment } from '../../wallet/ledger/ledger-engine';
import type { LedgerResult } from '../../wallet/ledger/ledger.types';
import { WalletService } from '../../wallet/wallet.service';
import { failureOf, storedFailure } from './game-wallet-failure';
import type { GameWalletFailure } from './game-wallet.types';
import {
  GameTransactionsRepository,
  type ClosedRound,
  type GameTransactionRow,
  type StoredWalletCommand,
} from './game-transactions.repository';

/** What a bet or win writes inside the ledger's transaction when it moves money. */
interface FinishInLedger {
  row: GameTransactionRow;
  providerCode: string;
  play?: PlayRecord;
}

/** The row was recorded as ended (refused) by another driver while this one was moving its money. */
class RowNoLongerPending extends Error {
  public constructor(id: string) {
    super(`game transaction ${id} is no longer pending`);
  }
}

interface AppliedFinish {
  row: GameTransactionRow;
  walletTransactionId: string | null;
  providerCode: string;
}

const closesRound = (row: Pick<GameTransactionRow, 'roundId' | 'roundClosed'>): boolean =>
  row.roundId !== null && row.roundClosed;

export type DriveResult = { ok: true; result: LedgerResult | null } | { ok: false; failure: GameWalletFailure };

/**
 * Carries a pending game transaction through the wallet and records its end. Every pending row holds
 * the exact wallet command, and the wallet applies a (scope, key) once, so whoever drives a row (the
 * request that claimed it, a retry, a rollback of it) gets one and the same money movement.
 */
@Injectable()
export class WalletDriver {
  private readonly logger = new Logger(WalletDriver.name);
  private readonly finishInLedger: AttachedWriter<FinishInLedger> = {
    write: (manager, items) => this.finishRows(manager, items),
  };
  private readonly finishes = new Coalescer<AppliedFinish, boolean>((inputs) => this.finishBatch(inputs), {
    name: 'game_finish',
    maxBatchSize: 64,
    maxInFlight: 1,
    keyOf: (input) => input.row.id,
    isRetryable: isTransientConflict,
  });

  public constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: GameTransactionsRepository,
    private readonly wallets: WalletService,
    private readonly outbox: OutboxWriter,
    private readonly responsibleGaming: ResponsibleGamingService,
    private readonly clock: Clock,
  ) {}

  /**
   * Applies a pending bet or win; a refusal the wallet gives (funds, currency) is recorded as final. A bet's or
   * win's end (`applied`, its round's close and event, and `play`, its RG record) is written in the ledger's own
   * transaction when it moves money (ADR 0011); a replay by the wallet finishes the row on its own.
   */
  public async drive(row: GameTransactionRow, providerCode: string, play?: PlayRecord): Promise<DriveResult> {
    const command = row.walletCommand;
    if (!command) throw new Error(`game transaction ${row.id} has no wallet command`);
    const attachment: Attachment<FinishInLedger> | undefined =
      row.kind !== 'rollback' || play
        ? { writer: this.finishInLedger, payload: { row, providerCode, play } }
        : undefined;
    let result: LedgerResult;
    try {
      result = await this.execute(command, providerCode, attachment);
    } catch (error) {
      if (error instanceof RowNoLongerPending) return this.recordedEnd(row);
      const failure = failureOf(error);
      if (failure === null) throw error;
      if (command.type === 'rollback' && failure === 'TRANSACTION_ROLLED_BACK') {
        // The wallet already reversed the target (e.g. a compensation): the rollback's end state holds.
        await this.finishApplied(row, null, providerCode);
        return { ok: true, result: null };
      }
      await this.finishRefused(row, failure, providerCode);
      return { ok: false, failure };
    }
    // A rollback's own end keeps its transaction after the ledger's (its attachment carries only the RG reversal).
    if (row.kind === 'rollback' || result.replayed) await this.finishApplied(row, result, providerCode);
    return { ok: true, result };
  }

  /** Inside the ledger's batch transaction: the rows applied, their rounds closed, their RG records written. */
  private async finishRows(
    manager: EntityManager,
    all: { payload: FinishInLedger; result: LedgerResult }[],
  ): Promise<void> {
    const items = all.filter(({ payload }) => payload.row.kind !== 'rollback');
    const moved =
      items.length === 0
        ? new Set<string>()
        : await this.applyAndClose(
            items.map(({ payload, result }) => ({ ...payload, walletTransactionId: result.transactionId })),
            manager,
          );
    const lost = items.find(({ payload }) => !moved.has(payload.row.id));
    // Another driver recorded this row's end first: its money must not move (the batch is re-run without it).
    if (lost) throw new RowNoLongerPending(lost.payload.row.id);
    const plays = all.flatMap(({ payload }) => (payload.play ? [payload.play] : []));
    await this.responsibleGaming.recordPlaysIn(manager, plays);
  }

  /** The row's end as another driver recorded it. */
  private async recordedEnd(row: GameTransactionRow): Promise<DriveResult> {
    const recorded = await this.transactions.find(row.providerId, row.externalId);
    if (recorded?.status === 'refused') {
      return { ok: false, failure: storedFailure(recorded.failure) };
    }
    throw new Error(`game transaction ${row.id} ended as ${recorded?.status ?? 'unknown'} by another request`);
  }

  /** Marks the row applied (and a rollback's target rolled back, and a closed round closed). */
  public async finishApplied(
    row: GameTransactionRow,
    result: LedgerResult | null,
    providerCode: string,
  ): Promise<void> {
    const won =
      row.kind === 'rollback'
        ? await this.finishRollback(row, result, providerCode)
        : await this.finishes.submit({ row, walletTransactionId: result?.transactionId ?? null, providerCode });
    if (!won) await this.reconcileLostRace(row, result !== null, providerCode);
  }

  /**
   * Bets and wins applied together (coalesced, ADR 0011): one statement marks them applied; when some close
   * their round, the rounds are closed and their events written in the same transaction.
   */
  private async finishBatch(inputs: AppliedFinish[]): Promise<boolean[]> {
    const movedOf = (moved: Set<string>): boolean[] => inputs.map((input) => moved.has(input.row.id));
    if (!inputs.some((input) => closesRound(input.row))) {
      const rows = inputs.map((input) => ({ id: input.row.id, walletTransactionId: input.walletTransactionId }));
      return movedOf(await this.transactions.markApplied(rows));
    }
    return this.dataSource.transaction(async (manager) => movedOf(await this.applyAndClose(inputs, manager)));
  }

  /** A rollback's end: its row applied and its target rolled back (and its round closed) in one transaction. */
  private async finishRollback(
    row: GameTransactionRow,
    result: LedgerResult | null,
    providerCode: string,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // Lock order, as in RollbackFlow: the target first, then the rollback row (else two retries deadlock).
      const target = await this.lockTarget(row, manager);
      const moved = await this.transactions.transition(row.id, ['pending'], 'applied', manager, {
        walletTransactionId: result?.transactionId,
      });
      if (!moved) return false;
      if (target) await this.transactions.transition(target.id, ['rolling_back'], 'rolled_back', manager);
      if (closesRound(row)) await this.closeRounds([{ row, providerCode }], manager);
      return true;
    });
  }

  public async finishRefused(row: GameTransactionRow, failure: GameWalletFailure, providerCode: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const target = await this.lockTarget(row, manager);
      const moved = await this.transactions.transition(row.id, ['pending'], 'refused', manager, { failure });
      // The target stays as it was: it was not reversed.
      if (moved && target) await this.transactions.transition(target.id, ['rolling_back'], 'applied', manager);
    });
    this.logger.log({ provider: providerCode, kind: row.kind, failure }, 'game transaction refused');
  }

  /** Closes the round (once) and writes its `game.round.closed` event, in the caller's transaction. */
  public async closeRound(roundId: string, providerCode: string, manager: EntityManager): Promise<void> {
    await this.closeRounds([{ row: { roundId }, providerCode }], manager);
  }

  /** Closes the rounds, each once, at the clock's time, with an event for each round this call closed. */
  private async closeRounds(
    closing: { row: Pick<GameTransactionRow, 'roundId'>; providerCode: string }[],
    manager: EntityManager,
  ): Promise<void> {
    const at = this.clock.now();
    const roundIds = [...new Set(closing.flatMap(({ row }) => (row.roundId ? [row.roundId] : [])))];
    const closed = await this.transactions.closeRounds(
      roundIds.map((roundId) => ({ roundId, at })),
      manager,
    );
    await this.appendRoundEvents(closed, closing, manager);
  }

  /**
   * Bets and wins applied, and the rounds they close closed with their events, in the caller's transaction
   * (two statements); answers the ids of the rows that moved.
   */
  private async applyAndClose(
    finishes: { row: GameTransactionRow; walletTransactionId: string | null; providerCode: string }[],
    manager: EntityManager,
  ): Promise<Set<string>> {
    const { moved, closed } = await this.transactions.applyAndClose(
      finishes.map(({ row, walletTransactionId }) => ({
        id: row.id,
        walletTransactionId,
        closeRoundId: closesRound(row) ? row.roundId : null,
      })),
      this.clock.now(),
      manager,
    );
    await this.appendRoundEvents(closed, finishes, manager);
    return moved;
  }

  private async appendRoundEvents(
    closed: ClosedRound[],
    sources: { row: Pick<GameTransactionRow, 'roundId'>; providerCode: string }[],
    manager: EntityManager,
  ): Promise<void> {
    if (closed.length === 0) return;
    const providerOf = new Map(sources.map(({ row, providerCode }) => [row.roundId, providerCode]));
    const events = closed.map((round) => {
      const payload: GameRoundClosedV1 = {
        roundId: round.roundId,
        providerCode: providerOf.get(round.roundId) ?? '',
        providerRoundId: round.providerRoundId,
        userId: round.userId,
        gameCode: round.gameCode,
        currency: round.currency,
        totalBet: round.totalBet.toString(),
        totalWin: round.totalWin.toString(),
        openedAt: new Date(round.openedAt).toISOString(),
        closedAt: new Date(round.closedAt).toISOString(),
      };
      return domainEvent(GAME_ROUND_CLOSED, 1, round.roundId, payload);
    });
    await this.outbox.append(manager, 'game', events);
  }

  /** A rollback's target row, locked (null for bets and wins). */
  private async lockTarget(row: GameTransactionRow, manager: EntityManager): Promise<GameTransactionRow | null> {
    if (row.kind !== 'rollback' || !row.referenceExternalId) return null;
    return this.transactions.find(row.providerId, row.referenceExternalId, manager, true);
  }

  private execute(
    command: StoredWalletCommand,
    providerCode: string,
    attachment?: Attachment<FinishInLedger>,
  ): Promise<LedgerResult> {
    const idempotency = { scope: command.scope, key: command.key };
    const metadata = command.metadata;
    if (command.type === 'rollback') {
      const target = { idempotency: { scope: command.scope, key: command.targetKey ?? '' } };
      return this.wallets.rollback({ idempotency, metadata, target }, attachment as Attachment | undefined);
    }
    const base = {
      idempotency,
      metadata,
      wallet: { userId: command.userId ?? '' },
      currency: command.currency ?? '',
      amount: BigInt(command.amount ?? '0'),
      provider: providerCode,
    };
    const attached = attachment as Attachment | undefined;
    if (command.type === 'bet') {
      return this.wallets.placeBet({ ...base, funding: command.funding ?? 'cash_first' }, attached);
    }
    return this.wallets.settleWin({ ...base, ...(command.toBonus ? { toBonus: true } : {}) }, attached);
  }

  /**
   * Two drivers raced on one row and the other recorded its end first. If it recorded a refusal while
   * this one moved money, the money is reversed, so the row's record and the ledger agree.
   */
  private async reconcileLostRace(row: GameTransactionRow, movedMoney: boolean, providerCode: string): Promise<void> {
    const recorded = await this.transactions.find(row.providerId, row.externalId);
    if (!movedMoney || recorded?.status !== 'refused' || !row.walletCommand || row.kind === 'rollback') return;
    this.logger.warn({ provider: providerCode, id: row.id }, 'compensating a game transaction recorded as refused');
    await this.wallets
      .rollback({
        idempotency: { scope: row.walletCommand.scope, key: `compensate:${row.walletCommand.key}` },
        target: { idempotency: { scope: row.walletCommand.scope, key: row.walletCommand.key } },
      })
      .catch((error: unknown) => {
        if (failureOf(error) !== 'TRANSACTION_ROLLED_BACK') throw error;
      });
  }
}
