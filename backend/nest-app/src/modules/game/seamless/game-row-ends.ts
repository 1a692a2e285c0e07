import { GAME_ROUND_CLOSED, type GameRoundClosedV1, type TraceCarrier } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Coalescer } from '../../../common/batching/coalescer';
import { Clock } from '../../../common/time/clock';
import { combineAttached, type AttachedStatement } from '../../../infra/database/attached-statement';
import { isTransientConflict } from '../../../infra/database/prepared-statement';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { BonusWagering, FreeSpinPlayService, type BonusWager, type FreeSpinPlay, type PlacedWager } from '../../bonus';
import type { PlayRecord } from '../../user/responsible-gaming/rg-activity.repository';
import { ResponsibleGamingService } from '../../user/responsible-gaming/responsible-gaming.service';
import type { AttachedItem, AttachedWriter } from '../../wallet/ledger/ledger-engine';
import type { LedgerResult } from '../../wallet/ledger/ledger.types';
import type { GameWalletFailure } from './game-wallet.types';
import {
  appliedAndClosedFrom,
  GameTransactionsRepository,
  type AppliedInput,
  type ClosedRound,
  type GameTransactionRow,
} from './game-transactions.repository';

/** What a bet's or win's end writes inside the ledger's transaction when it moves money (a rollback: its RG part). */
export interface EndInLedger {
  row: GameTransactionRow;
  providerCode: string;
  play?: PlayRecord;
  /** A bet's contribution to the player's active bonus (docs/bonuses.md "Wagering"). */
  wager?: BonusWager;
  /** A rollback's: the ledger transaction of the bet whose contribution it takes back. */
  reversesWagerOf?: string;
  /** A free spin's bet or win (docs/bonuses.md "Free spins"): its reward's count and winnings, its bonus's amount. */
  freeSpin?: FreeSpinPlay;
}

/** The row was recorded as ended (refused) by another driver while this one was moving its money. */
export class RowNoLongerPending extends Error {
  public constructor(id: string) {
    super(`game transaction ${id} is no longer pending`);
  }
}

interface AppliedEnd {
  row: GameTransactionRow;
  walletTransactionId: string | null;
  providerCode: string;
}

/** The bets' bonus contributions, each with its ledger transaction. */
function placedWagers(all: { payload: EndInLedger; result: LedgerResult }[]): PlacedWager[] {
  return all.flatMap(({ payload, result }) =>
    payload.wager ? [{ wager: payload.wager, betTransactionId: result.transactionId }] : [],
  );
}

const closesRound = (row: Pick<GameTransactionRow, 'roundId' | 'roundClosed'>): boolean =>
  row.roundId !== null && row.roundClosed;

/**
 * Records how game transactions end: applied (with the round they close and its `game.round.closed` event, and
 * a rollback's target rolled back) or refused. A bet's or win's end normally rides in the ledger's own
 * transaction (`inLedger`, ADR 0011); the other ends are coalesced or run in a transaction of their own.
 */
@Injectable()
export class GameRowEnds {
  private readonly logger = new Logger(GameRowEnds.name);
  public readonly inLedger: AttachedWriter<EndInLedger> = {
    write: (manager, items) => this.endInLedger(manager, items),
    statement: (items) => this.endInLedgerStatement(items),
    finish: (_manager, items, output) => this.finishInLedger(items, output),
  };
  private readonly appliedEnds = new Coalescer<AppliedEnd, boolean>((inputs) => this.endApplied(inputs), {
    name: 'game_finish',
    maxBatchSize: 64,
    maxInFlight: 1,
    keyOf: (input) => input.row.id,
    isRetryable: isTransientConflict,
  });

  public constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: GameTransactionsRepository,
    private readonly outbox: OutboxWriter,
    private readonly responsibleGaming: ResponsibleGamingService,
    private readonly bonusWagering: BonusWagering,
    private readonly freeSpins: FreeSpinPlayService,
    private readonly clock: Clock,
  ) {}

  /** Marks the row applied (a rollback's target rolled back, a closed round closed); false: another end was first. */
  public applied(row: GameTransactionRow, result: LedgerResult | null, providerCode: string): Promise<boolean> {
    if (row.kind === 'rollback') return this.rollbackApplied(row, result, providerCode);
    return this.appliedEnds.submit({ row, walletTransactionId: result?.transactionId ?? null, providerCode });
  }

  public async refused(row: GameTransactionRow, failure: GameWalletFailure, providerCode: string): Promise<void> {
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
    const roundIds = [{ roundId, at: this.clock.now() }];
    const closed = await this.transactions.closeRounds(roundIds, manager);
    await this.appendRoundEvents(closed, [{ row: { roundId }, providerCode }], manager);
  }

  /** Inside the ledger's batch transaction: the rows applied, their rounds closed, their RG records written. */
  private async endInLedger(
    manager: EntityManager,
    all: { payload: EndInLedger; result: LedgerResult }[],
  ): Promise<void> {
    const items = all.filter(({ payload }) => payload.row.kind !== 'rollback');
    const ends = items.map(({ payload, result }) => ({ ...payload, walletTransactionId: result.transactionId }));
    const moved = ends.length === 0 ? new Set<string>() : await this.applyAndClose(ends, manager);
    const lost = items.find(({ payload }) => !moved.has(payload.row.id));
    // Another driver recorded this row's end first: its money must not move (the batch is re-run without it).
    if (lost) throw new RowNoLongerPending(lost.payload.row.id);
    const plays = all.flatMap(({ payload }) => (payload.play ? [payload.play] : []));
    await this.responsibleGaming.recordPlaysIn(manager, plays);
    await this.bonusWagering.recordIn(manager, placedWagers(all));
    await this.bonusWagering.reverseIn(
      manager,
      all.flatMap(({ payload }) => (payload.reversesWagerOf ? [payload.reversesWagerOf] : [])),
    );
    await this.freeSpins.recordIn(
      manager,
      all.flatMap(({ payload }) => (payload.freeSpin ? [payload.freeSpin] : [])),
    );
  }

  /**
   * `endInLedger`'s writes as a fragment of the ledger's batch statement (no round trip of their own, ADR 0011):
   * the rows applied with their rounds closed, and the RG records. Null when the batch holds a rollback, a free spin or an RG
   * record that needs a read after its write; `endInLedger` then runs.
   */
  private endInLedgerStatement(all: AttachedItem<EndInLedger>[]): AttachedStatement | null {
    if (all.some(({ payload }) => payload.row.kind === 'rollback' || payload.freeSpin)) return null;
    const plays = all.flatMap(({ payload }) => (payload.play ? [payload.play] : []));
    const recorded = plays.length > 0 ? this.responsibleGaming.playsStatement(plays) : null;
    if (plays.length > 0 && recorded === null) return null;
    const applied = this.transactions.applyAndCloseStatement(this.appliedInputsOf(all), this.clock.now());
    const wagers = placedWagers(all);
    const parts = [
      applied,
      ...(recorded ? [recorded] : []),
      ...(wagers.length > 0 ? [this.bonusWagering.statement(wagers)] : []),
    ];
    return combineAttached('game_row_ends', parts);
  }

  /**
   * After the batch statement (which also wrote the closed rounds' events): a row another driver ended first fails
   * its command, whose money then does not move.
   */
  private finishInLedger(all: AttachedItem<EndInLedger>[], output: unknown): Promise<void> {
    const [answer] = output as unknown[];
    const { moved } = appliedAndClosedFrom(answer);
    const lost = all.find(({ payload }) => !moved.has(payload.row.id));
    if (lost) return Promise.reject(new RowNoLongerPending(lost.payload.row.id));
    return Promise.resolve();
  }

  private appliedInputsOf(
    all: AttachedItem<EndInLedger>[],
  ): (AppliedInput & { closeRoundId: string | null; providerCode: string; trace: TraceCarrier | null })[] {
    return all.map(({ payload: { row, providerCode }, result, trace }) => ({
      id: row.id,
      walletTransactionId: result.transactionId,
      closeRoundId: closesRound(row) ? row.roundId : null,
      providerCode,
      trace,
    }));
  }

  /**
   * Bets and wins applied together outside the ledger's transaction (a replay by the wallet, a stale row driven
   * again; coalesced): one statement, and the events of the rounds it closes, in one transaction.
   */
  private async endApplied(inputs: AppliedEnd[]): Promise<boolean[]> {
    const moved = await this.dataSource.transaction((manager) => this.applyAndClose(inputs, manager));
    return inputs.map((input) => moved.has(input.row.id));
  }

  /** A rollback's end: its row applied and its target rolled back (and its round closed) in one transaction. */
  private rollbackApplied(
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
      if (row.roundId && row.roundClosed) await this.closeRound(row.roundId, providerCode, manager);
      return true;
    });
  }

  /** Bets and wins applied, the rounds they close closed with their events; answers the ids of the rows that moved. */
  private async applyAndClose(ends: AppliedEnd[], manager: EntityManager): Promise<Set<string>> {
    const { moved, closed } = await this.transactions.applyAndClose(
      ends.map(({ row, walletTransactionId }) => ({
        id: row.id,
        walletTransactionId,
        closeRoundId: closesRound(row) ? row.roundId : null,
      })),
      this.clock.now(),
      manager,
    );
    await this.appendRoundEvents(closed, ends, manager);
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
}
