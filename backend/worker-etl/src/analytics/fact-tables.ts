import type { BonusEventRow } from './bonus-fact-rows';
import type { KycEventRow, RgEventRow } from './compliance-fact-rows';
import type { PaymentEventRow, PlayerRow, WalletHoldRow, WalletTransactionRow } from './fact-rows';
import type { FactTable } from './fact-table-loader';
import type { GameRoundRow, GameSessionRow } from './game-fact-rows';

/** Every column of the row, each named once: a column missing here does not compile. */
type Columns<TRow> = { readonly [K in keyof TRow]-?: true };

function factTable<TRow>(name: string, key: keyof TRow & string, columns: Columns<TRow>): FactTable<TRow> {
  const [first, ...rest] = Object.keys(columns) as (keyof TRow & string)[];
  return { name, key, columns: [first ?? key, ...rest] };
}

const ALL = true;

/** The fact tables of ClickHouse migrations 002, 005 and 008 and the key each row is loaded once by (ADR 0015). */
export const WALLET_TRANSACTIONS = factTable<WalletTransactionRow>('wallet_transactions', 'transaction_id', {
  event_id: ALL,
  occurred_at: ALL,
  transaction_id: ALL,
  transaction_type: ALL,
  reverses_type: ALL,
  user_id: ALL,
  wallet_id: ALL,
  currency: ALL,
  cash_amount: ALL,
  bonus_amount: ALL,
  held_amount: ALL,
  provider: ALL,
  payment_method: ALL,
  game_code: ALL,
  round_id: ALL,
  idempotency_scope: ALL,
  country: ALL,
  brand: ALL,
});
export const PAYMENT_EVENTS = factTable<PaymentEventRow>('payment_events', 'event_id', {
  event_id: ALL,
  occurred_at: ALL,
  event_type: ALL,
  intent_id: ALL,
  user_id: ALL,
  kind: ALL,
  provider: ALL,
  method: ALL,
  status: ALL,
  currency: ALL,
  amount: ALL,
  country: ALL,
  brand: ALL,
});
export const PLAYERS = factTable<PlayerRow>('players', 'user_id', {
  user_id: ALL,
  registered_at: ALL,
  country: ALL,
  currency: ALL,
  brand: ALL,
  version: ALL,
});
export const GAME_SESSIONS = factTable<GameSessionRow>('game_sessions', 'event_id', {
  event_id: ALL,
  occurred_at: ALL,
  event_kind: ALL,
  session_id: ALL,
  user_id: ALL,
  game_id: ALL,
  provider: ALL,
  game_code: ALL,
  mode: ALL,
  platform: ALL,
  currency: ALL,
  reason: ALL,
});
export const GAME_ROUNDS = factTable<GameRoundRow>('game_rounds', 'round_id', {
  round_id: ALL,
  event_id: ALL,
  opened_at: ALL,
  closed_at: ALL,
  provider: ALL,
  provider_round_id: ALL,
  game_code: ALL,
  user_id: ALL,
  currency: ALL,
  total_bet: ALL,
  total_win: ALL,
  country: ALL,
  brand: ALL,
});
export const WALLET_HOLDS = factTable<WalletHoldRow>('wallet_holds', 'event_id', {
  event_id: ALL,
  occurred_at: ALL,
  event_kind: ALL,
  hold_id: ALL,
  wallet_id: ALL,
  user_id: ALL,
  transaction_id: ALL,
  provider: ALL,
  currency: ALL,
  amount: ALL,
  country: ALL,
  brand: ALL,
});
export const BONUS_EVENTS = factTable<BonusEventRow>('bonus_events', 'fact_key', {
  fact_key: ALL,
  event_id: ALL,
  occurred_at: ALL,
  step: ALL,
  player_bonus_id: ALL,
  user_id: ALL,
  template_id: ALL,
  ledger_transaction_id: ALL,
  currency: ALL,
  granted: ALL,
  converted: ALL,
  removed: ALL,
  country: ALL,
  brand: ALL,
});
export const KYC_EVENTS = factTable<KycEventRow>('kyc_events', 'event_id', {
  event_id: ALL,
  occurred_at: ALL,
  user_id: ALL,
  from_status: ALL,
  status: ALL,
  level: ALL,
  actor_type: ALL,
  country: ALL,
  brand: ALL,
});
export const RG_EVENTS = factTable<RgEventRow>('rg_events', 'event_id', {
  event_id: ALL,
  occurred_at: ALL,
  user_id: ALL,
  change_kind: ALL,
  limit_key: ALL,
  action: ALL,
  previous_value: ALL,
  requested_value: ALL,
  effective_value: ALL,
  currency: ALL,
  exclusion_kind: ALL,
  period: ALL,
  ends_at: ALL,
  country: ALL,
  brand: ALL,
});
