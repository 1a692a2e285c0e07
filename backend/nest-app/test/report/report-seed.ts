import type { ClickHouseClient } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';

export interface SeedTransaction {
  at: string;
  type: string;
  reverses?: 'bet' | 'win';
  user: string;
  currency: string;
  country: string;
  cash?: number;
  bonus?: number;
  held?: number;
  provider?: string;
  /** The payment method of a deposit or withdrawal step. */
  method?: string;
  game?: string;
}

/** Rows of wallet_transactions as worker-etl loads them; the materialized views of migration 003 fill the rollups. */
export async function insertTransactions(clickhouse: ClickHouseClient, rows: SeedTransaction[]): Promise<void> {
  await clickhouse.insert({
    table: 'wallet_transactions',
    format: 'JSONEachRow',
    values: rows.map((row) => ({
      event_id: randomUUID(),
      occurred_at: row.at.replace('T', ' ').replace('Z', ''),
      transaction_id: randomUUID(),
      transaction_type: row.type,
      reverses_type: row.reverses ?? '',
      user_id: row.user,
      wallet_id: `${row.user}:${row.currency}`,
      currency: row.currency,
      cash_amount: row.cash ?? 0,
      bonus_amount: row.bonus ?? 0,
      held_amount: row.held ?? 0,
      provider: row.provider ?? '',
      payment_method: row.method ?? '',
      game_code: row.game ?? '',
      round_id: '',
      idempotency_scope: row.game ? 'hub88' : 'payment',
      country: row.country,
      brand: 'main',
    })),
  });
}

export async function insertGames(clickhouse: ClickHouseClient): Promise<void> {
  await clickhouse.insert({
    table: 'games',
    format: 'JSONEachRow',
    values: [
      { provider: 'hub88', game_code: 'slot-1', category: 'slots', title: 'Slot', version: 1 },
      { provider: 'hub88', game_code: 'live-1', category: 'table', title: 'Old category', version: 1 },
      { provider: 'hub88', game_code: 'live-1', category: 'live', title: 'Roulette', version: 2 },
    ],
  });
}

const A = 'player-a';
const B = 'player-b';
const C = 'player-c';
const D = 'player-d';
const E = 'player-e';
const slot = { provider: 'hub88', game: 'slot-1' };
const live = { provider: 'hub88', game: 'live-1' };
const eur = { currency: 'EUR', country: 'DE' };
const gbp = { currency: 'GBP', country: 'GB' };

/**
 * EUR (DE): A bets 1000 and wins 400; bets 500, rolled back; bets 300 and wins 0; wins 200, rolled back; bets 100 cash
 * + 50 bonus. B bets 200 at 23:30 UTC (the next day in Berlin). Deposits A 5000 (9 Nov) and 2000, B 1000 at 23:30;
 * A withdraws 1500 (hold, then capture). Methods: A's deposits by card, B's and A's withdrawal by bank transfer, C's
 * deposit by e-wallet. GBP: C (GB) bets 700 and wins 100, deposits 3000; D (DE, GBP) bets 1000;
 * E (GB) bets 50 on 30 June at 23:30 UTC (1 July in London, the third quarter).
 */
export const SEED: SeedTransaction[] = [
  { at: '2026-11-09T12:00:00Z', type: 'deposit', user: A, ...eur, cash: 5000, provider: 'sandbox', method: 'card' },
  { at: '2026-11-10T09:00:00Z', type: 'deposit', user: A, ...eur, cash: 2000, provider: 'sandbox', method: 'card' },
  { at: '2026-11-10T10:00:00Z', type: 'bet', user: A, ...eur, ...slot, cash: -1000 },
  { at: '2026-11-10T10:01:00Z', type: 'win', user: A, ...eur, ...slot, cash: 400 },
  { at: '2026-11-10T10:02:00Z', type: 'bet', user: A, ...eur, ...slot, cash: -500 },
  { at: '2026-11-10T10:03:00Z', type: 'rollback', reverses: 'bet', user: A, ...eur, ...slot, cash: 500 },
  { at: '2026-11-10T10:04:00Z', type: 'bet', user: A, ...eur, ...slot, cash: -300 },
  { at: '2026-11-10T10:05:00Z', type: 'win', user: A, ...eur, ...slot, cash: 0 },
  { at: '2026-11-10T10:06:00Z', type: 'win', user: A, ...eur, ...slot, cash: 200 },
  { at: '2026-11-10T10:07:00Z', type: 'rollback', reverses: 'win', user: A, ...eur, ...slot, cash: -200 },
  { at: '2026-11-10T10:08:00Z', type: 'bet', user: A, ...eur, ...slot, cash: -100, bonus: -50 },
  {
    at: '2026-11-10T11:00:00Z',
    type: 'hold',
    user: A,
    ...eur,
    cash: -1500,
    held: 1500,
    provider: 'sandbox',
    method: 'bank_transfer',
  },
  {
    at: '2026-11-10T12:00:00Z',
    type: 'hold_capture',
    user: A,
    ...eur,
    held: -1500,
    provider: 'sandbox',
    method: 'bank_transfer',
  },
  { at: '2026-11-10T23:30:00Z', type: 'bet', user: B, ...eur, ...slot, cash: -200 },
  {
    at: '2026-11-10T23:30:00Z',
    type: 'deposit',
    user: B,
    ...eur,
    cash: 1000,
    provider: 'sandbox',
    method: 'bank_transfer',
  },
  { at: '2026-11-10T13:00:00Z', type: 'deposit', user: C, ...gbp, cash: 3000, provider: 'stripe', method: 'e_wallet' },
  { at: '2026-11-10T14:00:00Z', type: 'bet', user: C, ...gbp, ...live, cash: -700 },
  { at: '2026-11-10T14:01:00Z', type: 'win', user: C, ...gbp, ...live, cash: 100 },
  { at: '2026-11-10T15:00:00Z', type: 'bet', user: D, currency: 'GBP', country: 'DE', ...live, cash: -1000 },
  { at: '2026-06-30T23:30:00Z', type: 'bet', user: E, ...gbp, ...live, cash: -50 },
];
