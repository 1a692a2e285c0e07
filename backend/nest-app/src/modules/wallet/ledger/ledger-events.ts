import {
  WALLET_HOLD_CAPTURED,
  WALLET_HOLD_PLACED,
  WALLET_HOLD_RELEASED,
  WALLET_TRANSACTION_COMPLETED,
  type DomainEventEnvelope,
  type WalletBalancesV1,
  type WalletHoldV1,
  type WalletTransactionCompletedV1,
} from '@casino/contracts';
import { randomUUID } from 'node:crypto';
import type { LedgerState, TransactionWrite } from './ledger-state';
import type { WalletBalances } from './ledger.types';

export function balancesToJson(balances: WalletBalances): WalletBalancesV1 {
  return {
    cash: balances.cash.toString(),
    bonus: balances.bonus.toString(),
    held: balances.held.toString(),
    available: balances.available.toString(),
    currency: balances.currency,
  };
}

const HOLD_EVENT_OF = {
  hold: WALLET_HOLD_PLACED,
  hold_capture: WALLET_HOLD_CAPTURED,
  hold_release: WALLET_HOLD_RELEASED,
} as const;

/** The outbox events of one accepted transaction: always `wallet.transaction.completed`, plus `wallet.hold.*`. */
export function eventsOf(state: LedgerState, write: Omit<TransactionWrite, 'events'>): DomainEventEnvelope[] {
  const wallet = state.wallets.get(write.walletId);
  if (!wallet) throw new Error(`wallet ${write.walletId} is not in the batch state`);
  const envelope = <TType extends string, TPayload>(id: string, type: TType, payload: TPayload) => ({
    id,
    type,
    version: 1,
    occurredAt: write.createdAt.toISOString(),
    aggregateId: write.walletId,
    ...(write.command.correlationId ? { correlationId: write.command.correlationId } : {}),
    causationId: write.id,
    payload,
  });
  const balanceAfter = balancesToJson(write.result.balances);
  const completed: WalletTransactionCompletedV1 = {
    walletId: write.walletId,
    userId: wallet.userId,
    transactionId: write.id,
    transactionType: write.type,
    currency: write.currency,
    amount: write.amount.toString(),
    entries: write.entries.map((entry) => ({
      accountId: entry.accountId,
      accountKind: state.accountKinds.get(entry.accountId) ?? 'unknown',
      amount: entry.amount.toString(),
      currency: write.currency,
    })),
    balanceAfter,
    reference: write.metadata,
    idempotencyScope: write.command.idempotency.scope,
    ...(write.reversesTransactionId ? { reversesTransactionId: write.reversesTransactionId } : {}),
    ...(write.holdId ? { holdId: write.holdId } : {}),
  };
  const events: DomainEventEnvelope[] = [envelope(write.eventId, WALLET_TRANSACTION_COMPLETED, completed)];
  if (write.holdId && (write.type === 'hold' || write.type === 'hold_capture' || write.type === 'hold_release')) {
    const hold = state.holds.get(write.holdId);
    const payload: WalletHoldV1 = {
      walletId: write.walletId,
      userId: wallet.userId,
      holdId: write.holdId,
      amount: write.amount.toString(),
      currency: write.currency,
      balanceAfter,
      transactionId: write.id,
      ...(hold ? { provider: hold.provider } : {}),
    };
    events.push(envelope(randomUUID(), HOLD_EVENT_OF[write.type], payload));
  }
  return events;
}
