import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { GameWalletFailure, RollbackCommand } from './game-wallet.types';
import {
  GameTransactionsRepository,
  type GameTransactionRow,
  type NewGameTransaction,
  type StoredWalletCommand,
} from './game-transactions.repository';
import { GameRowEnds } from './game-row-ends';

export type RollbackStart =
  | { kind: 'drive'; row: GameTransactionRow; target: GameTransactionRow }
  | { kind: 'done' }
  | { kind: 'replay' }
  | { kind: 'refused'; failure: GameWalletFailure };

/** Another request claimed this rollback's id while we decided: answer as a replay. */
class ClaimedConcurrently extends Error {}

const MAX_ATTEMPTS = 3;

/**
 * Decides a rollback under a lock of its target row, so that it is serialised with the target's wins:
 * - unknown target: a tombstone takes the target's id, so a late bet or win with it is refused (§4.4);
 * - target already reversed or refused: recorded, no money (§4.5);
 * - applied bet or win: the target becomes `rolling_back` (wins of it are refused from now on, §4.6)
 *   and the rollback is claimed pending, for the driver to reverse in the wallet.
 * A rollback only undoes the referenced transaction; wins of a rolled-back bet stand (§4.7, our choice).
 */
@Injectable()
export class RollbackFlow {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: GameTransactionsRepository,
    private readonly ends: GameRowEnds,
  ) {}

  public async start(
    command: RollbackCommand,
    base: NewGameTransaction,
    walletCommand: StoredWalletCommand,
    userId: string,
  ): Promise<RollbackStart> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      try {
        const result = await this.dataSource.transaction((manager) =>
          this.decide(command, base, walletCommand, userId, manager),
        );
        if (result !== 'retry') return result;
      } catch (error) {
        if (error instanceof ClaimedConcurrently) return { kind: 'replay' };
        throw error;
      }
    }
    return { kind: 'refused', failure: 'RETRY_LATER' };
  }

  private async decide(
    command: RollbackCommand,
    base: NewGameTransaction,
    walletCommand: StoredWalletCommand,
    userId: string,
    manager: EntityManager,
  ): Promise<RollbackStart | 'retry'> {
    const reference = command.referenceTransactionId;
    const target = await this.transactions.find(command.provider.id, reference, manager, true);
    if (!target) {
      const tombstone = await this.transactions.claim(
        {
          ...base,
          externalId: reference,
          kind: 'tombstone',
          status: 'applied',
          fingerprint: null,
          roundId: null,
          round: null,
          roundClosed: false,
        },
        manager,
      );
      if (!tombstone) return 'retry';
      return this.recordWithoutMoney(base, command, { tombstone: true }, manager);
    }
    if (target.kind === 'tombstone') return this.recordWithoutMoney(base, command, { tombstone: true }, manager);
    if (target.kind === 'rollback' || target.userId !== userId)
      return { kind: 'refused', failure: 'TRANSACTION_NOT_FOUND' };
    if (target.status === 'refused' || target.status === 'rolling_back' || target.status === 'rolled_back') {
      return this.recordWithoutMoney(base, command, { targetStatus: target.status }, manager);
    }
    if (target.status === 'pending') return { kind: 'refused', failure: 'RETRY_LATER' };
    if (
      target.kind === 'bet' &&
      (await this.transactions.countPendingWins(command.provider.id, reference, manager)) > 0
    ) {
      return { kind: 'refused', failure: 'RETRY_LATER' };
    }
    await this.transactions.transition(target.id, ['applied'], 'rolling_back', manager);
    const row = await this.transactions.claim(
      { ...base, kind: 'rollback', amount: target.amount === null ? null : BigInt(target.amount), walletCommand },
      manager,
    );
    if (!row) throw new ClaimedConcurrently();
    return { kind: 'drive', row, target };
  }

  private async recordWithoutMoney(
    base: NewGameTransaction,
    command: RollbackCommand,
    details: Record<string, unknown>,
    manager: EntityManager,
  ): Promise<RollbackStart> {
    const row = await this.transactions.claim(
      { ...base, kind: 'rollback', status: 'applied', details: { ...base.details, ...details } },
      manager,
    );
    if (!row) throw new ClaimedConcurrently();
    if (row.roundId && row.roundClosed) await this.ends.closeRound(row.roundId, command.provider.code, manager);
    return { kind: 'done' };
  }
}
