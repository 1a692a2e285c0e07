import type { PaymentEventRow, PlayerRow, WalletHoldRow, WalletTransactionRow } from './fact-rows';
import type { FactTable } from './fact-table-loader';
import type { GameRoundRow, GameSessionRow } from './game-fact-rows';

/** The fact tables of ClickHouse migrations 002 and 005 and the key each row is loaded once by (ADR 0015). */
export const WALLET_TRANSACTIONS: FactTable<WalletTransactionRow> = {
  name: 'wallet_transactions',
  key: 'transaction_id',
};
export const PAYMENT_EVENTS: FactTable<PaymentEventRow> = { name: 'payment_events', key: 'event_id' };
export const PLAYERS: FactTable<PlayerRow> = { name: 'players', key: 'user_id' };
export const GAME_SESSIONS: FactTable<GameSessionRow> = { name: 'game_sessions', key: 'event_id' };
export const GAME_ROUNDS: FactTable<GameRoundRow> = { name: 'game_rounds', key: 'round_id' };
export const WALLET_HOLDS: FactTable<WalletHoldRow> = { name: 'wallet_holds', key: 'event_id' };
