import { GAME_ROUND_CLOSED, type GameRoundClosedV1 } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import type { LedgerResult } from '../../wallet/ledger/ledger.types';
import { WalletService } from '../../wallet/wallet.service';
import { failureOf } from './game-wallet-failure';
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
    private readonly dataSource: DataSource,
    private readonly transactions: GameTransactionsRepository,
    private readonly wallets: WalletService,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  /** Applies a pending bet or win; a refusal the wallet gives (funds, currency) is recorded as final. */
  public async drive(row: GameTransactionRow, providerCode: string): Promise<DriveResult> {
    const command = row.walletCommand;
    if (!command) throw new Error(`game transaction ${row.id} has no wallet command`);
    let result: LedgerResult;
    try {
      result = await this.execute(command, providerCode);
    } catch (error) {
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
    await this.finishApplied(row, result, providerCode);
    return { ok: true, result };
  }

  /** Marks the row applied (and a rollback's target rolled back, and a closed round closed) in one transaction. */
  public async finishApplied(
    row: GameTransactionRow,
    result: LedgerResult | null,
    providerCode: string,
  ): Promise<void> {
    const now = this.clock.now();
    if (row.kind !== 'rollback' && !(row.roundId && row.roundClosed)) {
      // Nothing else to change with it: one autocommit statement (one round trip, ADR 0011).
      const moved = await this.transactions.transition(row.id, ['pending'], 'applied', this.dataSource.manager, {
        walletTransactionId: result?.transactionId,
      });
      if (!moved) await this.reconcileLostRace(row, result !== null, providerCode);
      return;
    }
    const won = await this.dataSource.transaction(async (manager) => {
      // Lock order, as in RollbackFlow: the target first, then the rollback row (else two retries deadlock).
      const target = await this.lockTarget(row, manager);
      const moved = await this.transactions.transition(row.id, ['pending'], 'applied', manager, {
        walletTransactionId: result?.transactionId,
      });
      if (!moved) return false;
      if (target) await this.transactions.transition(target.id, ['rolling_back'], 'rolled_back', manager);
      if (row.roundId && row.roundClosed) await this.closeRound(row.roundId, providerCode, now, manager);
      return true;
    });
    if (!won) await this.reconcileLostRace(row, result !== null, providerCode);
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

  public async closeRound(roundId: string, providerCode: string, at: Date, manager: EntityManager): Promise<void> {
    const totals = await this.transactions.closeRound(roundId, at, manager);
    if (!totals) return;
    const payload: GameRoundClosedV1 = {
      roundId,
      providerCode,
      providerRoundId: totals.providerRoundId,
      userId: totals.userId,
      gameCode: totals.gameCode,
      currency: totals.currency,
      totalBet: totals.totalBet.toString(),
      totalWin: totals.totalWin.toString(),
      openedAt: totals.openedAt.toISOString(),
      closedAt: at.toISOString(),
    };
    await this.outbox.append(manager, 'game', [domainEvent(GAME_ROUND_CLOSED, 1, roundId, payload)]);
  }

  /** A rollback's target row, locked (null for bets and wins). */
  private async lockTarget(row: GameTransactionRow, manager: EntityManager): Promise<GameTransactionRow | null> {
    if (row.kind !== 'rollback' || !row.referenceExternalId) return null;
    return this.transactions.find(row.providerId, row.referenceExternalId, manager, true);
  }

  private execute(command: StoredWalletCommand, providerCode: string): Promise<LedgerResult> {
    const idempotency = { scope: command.scope, key: command.key };
    const metadata = command.metadata;
    if (command.type === 'rollback') {
      return this.wallets.rollback({
        idempotency,
        metadata,
        target: { idempotency: { scope: command.scope, key: command.targetKey ?? '' } },
      });
    }
    const base = {
      idempotency,
      metadata,
      wallet: { userId: command.userId ?? '' },
      currency: command.currency ?? '',
      amount: BigInt(command.amount ?? '0'),
      provider: providerCode,
    };
    if (command.type === 'bet') return this.wallets.placeBet({ ...base, funding: command.funding ?? 'cash_first' });
    return this.wallets.settleWin({ ...base, ...(command.toBonus ? { toBonus: true } : {}) });
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
