import type { WalletTransactionCompletedEvent } from '@casino/contracts';

/** One row of ClickHouse `wallet_entries` (nest-app's ClickHouse migration 001). Amounts stay minor-unit strings. */
export interface WalletEntryRow {
  event_id: string;
  /** Unix seconds: read the same way whatever the server's time zone. */
  occurred_at: number;
  transaction_id: string;
  transaction_type: string;
  wallet_id: string;
  user_id: string;
  account_id: string;
  account_kind: string;
  currency: string;
  amount: string;
}

/** A completed wallet transaction becomes one row per ledger entry (the entries sum to zero per currency). */
export function walletEntryRows(event: WalletTransactionCompletedEvent): WalletEntryRow[] {
  const { payload } = event;
  const occurredAt = Math.floor(Date.parse(event.occurredAt) / 1000);
  return payload.entries.map((entry) => ({
    event_id: event.id,
    occurred_at: occurredAt,
    transaction_id: payload.transactionId,
    transaction_type: payload.transactionType,
    wallet_id: payload.walletId,
    user_id: payload.userId,
    account_id: entry.accountId,
    account_kind: entry.accountKind,
    currency: entry.currency,
    amount: entry.amount,
  }));
}
