import type { PaymentEventRow, PlayerRow, WalletTransactionRow } from './fact-rows';
import type { FactTable } from './fact-table-loader';

/** The fact tables of ClickHouse migration 002 and the key each row is loaded once by (ADR 0015). */
export const WALLET_TRANSACTIONS: FactTable<WalletTransactionRow> = {
  name: 'wallet_transactions',
  key: 'transaction_id',
};
export const PAYMENT_EVENTS: FactTable<PaymentEventRow> = { name: 'payment_events', key: 'event_id' };
export const PLAYERS: FactTable<PlayerRow> = { name: 'players', key: 'user_id' };
