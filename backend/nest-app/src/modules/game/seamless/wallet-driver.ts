import { Injectable, Logger } from '@nestjs/common';
import type { PlayRecord } from '../../user/responsible-gaming/rg-activity.repository';
import type { Attachment } from '../../wallet/ledger/ledger-engine';
import type { LedgerResult } from '../../wallet/ledger/ledger.types';
import { WalletService } from '../../wallet/wallet.service';
import { GameRowEnds, RowNoLongerPending, type EndInLedger } from './game-row-ends';
import { failureOf, storedFailure } from './game-wallet-failure';
import type { GameWalletFailure } from './game-wallet.types';
import {
  GameTransactionsRepository,
  type GameTransactionRow,
  type StoredWalletCommand,
} from './game-transactions.repository';

export type DriveResult = { ok: true; result: LedgerResult | null } | { ok: false; failure: GameWalletFailure };

/**
 * Carries a pending game transaction through the wallet and records its end. Every pending row holds
 * the exact wallet command, and the wallet applies a (scope, key) once, so whoever drives a row (the
 * request that claimed it, a retry, a rollback of it) gets one and the same money movement.
 */
@Injectable()
export class WalletDriver {
  private readonly logger = new Logger(WalletDriver.name);

  public constructor(
    private readonly transactions: GameTransactionsRepository,
    private readonly wallets: WalletService,
    private readonly ends: GameRowEnds,
  ) {}

  /**
   * Applies a pending bet or win; a refusal the wallet gives (funds, currency) is recorded as final. A bet's or
   * win's end (`applied`, its round's close and event, and `play`, its RG record) is written in the ledger's own
   * transaction when it moves money (ADR 0011); a replay by the wallet finishes the row on its own. A rollback's
   * `play` (taking its target off the RG counters) rides in the ledger's transaction the same way.
   */
  public async drive(
    row: GameTransactionRow,
    providerCode: string,
    play?: PlayRecord,
    bonus: Pick<EndInLedger, 'wager' | 'reversesWagerOf' | 'freeSpin'> = {},
  ): Promise<DriveResult> {
    const command = row.walletCommand;
    if (!command) throw new Error(`game transaction ${row.id} has no wallet command`);
    const attachment: Attachment<EndInLedger> | undefined =
      row.kind !== 'rollback' || play || bonus.reversesWagerOf
        ? { writer: this.ends.inLedger, payload: { row, providerCode, play, ...bonus } }
        : undefined;
    let result: LedgerResult;
    try {
      result = await this.execute(command, providerCode, attachment as Attachment | undefined);
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

  /** Marks the row applied (and a rollback's target rolled back, and a closed round closed). */
  public async finishApplied(
    row: GameTransactionRow,
    result: LedgerResult | null,
    providerCode: string,
  ): Promise<void> {
    const won = await this.ends.applied(row, result, providerCode);
    if (!won) await this.reconcileLostRace(row, result !== null, providerCode);
  }

  public finishRefused(row: GameTransactionRow, failure: GameWalletFailure, providerCode: string): Promise<void> {
    return this.ends.refused(row, failure, providerCode);
  }

  /** The row's end as another driver recorded it. */
  private async recordedEnd(row: GameTransactionRow): Promise<DriveResult> {
    const recorded = await this.transactions.find(row.providerId, row.externalId);
    if (recorded?.status === 'refused') return { ok: false, failure: storedFailure(recorded.failure) };
    throw new Error(`game transaction ${row.id} ended as ${recorded?.status ?? 'unknown'} by another request`);
  }

  private execute(command: StoredWalletCommand, providerCode: string, attachment?: Attachment): Promise<LedgerResult> {
    const idempotency = { scope: command.scope, key: command.key };
    const metadata = command.metadata;
    if (command.type === 'rollback') {
      const target = { idempotency: { scope: command.scope, key: command.targetKey ?? '' } };
      return this.wallets.rollback({ idempotency, metadata, target }, attachment);
    }
    const base = {
      idempotency,
      metadata,
      wallet: { userId: command.userId ?? '' },
      currency: command.currency ?? '',
      amount: BigInt(command.amount ?? '0'),
      provider: providerCode,
    };
    if (command.type === 'bet') {
      return this.wallets.placeBet({ ...base, funding: command.funding ?? 'cash_first' }, attachment);
    }
    return this.wallets.settleWin({ ...base, ...(command.toBonus ? { toBonus: true } : {}) }, attachment);
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
