import { renderValue } from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import type { DataSource } from 'typeorm';

/** One day × currency × transaction type: how many transactions and how they moved the players' balances. */
export interface DailyTotals {
  day: string;
  currency: string;
  type: string;
  transactions: string;
  cash: string;
  bonus: string;
  held: string;
}

export interface DateRange {
  /** `YYYY-MM-DD`, UTC, inclusive. */
  from: string;
  to: string;
}

export type FactsCheck<TTotals> =
  | { ok: true; compared: number }
  | { ok: false; compared: number; first: { key: string; ledger: TTotals | null; clickhouse: TTotals | null } };

export type LedgerFactsCheck = FactsCheck<DailyTotals>;

/**
 * The ledger (PostgreSQL, the source of truth) per UTC day, currency and type. A transaction with no player entry
 * (a zero win) still counts once (LEFT JOIN). Amounts are the signed change of the players' cash, bonus and held
 * balances, as the loader computes them from the same entries.
 */
export const LEDGER_DAILY_TOTALS = `
  SELECT to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, t.currency, t.type,
         count(DISTINCT t.id)::text AS transactions,
         coalesce(sum(e.amount) FILTER (WHERE a.kind = 'player_cash'), 0)::text AS cash,
         coalesce(sum(e.amount) FILTER (WHERE a.kind = 'player_bonus'), 0)::text AS bonus,
         coalesce(sum(e.amount) FILTER (WHERE a.kind = 'player_held'), 0)::text AS held
    FROM ledger_transactions t
    LEFT JOIN ledger_entries e ON e.transaction_id = t.id
    LEFT JOIN ledger_accounts a ON a.id = e.account_id
   WHERE t.created_at >= ($1::date AT TIME ZONE 'UTC') AND t.created_at < (($2::date + 1) AT TIME ZONE 'UTC')
   GROUP BY 1, 2, 3`;

/** The same totals from ClickHouse's `wallet_transactions` (each transaction one row, ADR 0015). */
export function clickHouseDailyTotals(range: DateRange): string {
  return `
  SELECT toString(toDate(occurred_at, 'UTC')) AS day, toString(currency) AS currency, transaction_type AS type,
         toString(count()) AS transactions, toString(sum(cash_amount)) AS cash, toString(sum(bonus_amount)) AS bonus,
         toString(sum(held_amount)) AS held
    FROM wallet_transactions
   WHERE toDate(occurred_at, 'UTC') >= toDate(${renderValue(range.from)})
     AND toDate(occurred_at, 'UTC') <= toDate(${renderValue(range.to)})
   GROUP BY day, currency, type`;
}

const keyOf = (row: DailyTotals): string => `${row.day} ${row.currency} ${row.type}`;
const sameFigures = (a: DailyTotals, b: DailyTotals): boolean =>
  a.transactions === b.transactions && a.cash === b.cash && a.bonus === b.bonus && a.held === b.held;

/** `npm run etl:verify`: ClickHouse's per-day totals against the ledger's; the first difference in key order. */
export async function checkLedgerAgainstFacts(
  dataSource: DataSource,
  clickhouse: ClickHouseClient,
  range: DateRange,
): Promise<LedgerFactsCheck> {
  const ledger = (await dataSource.query(LEDGER_DAILY_TOTALS, [range.from, range.to])) as DailyTotals[];
  const facts = await (
    await clickhouse.query({ query: clickHouseDailyTotals(range), format: 'JSONEachRow' })
  ).json<DailyTotals>();
  return firstDifference(ledger, facts, keyOf, sameFigures);
}

/** The two sides' rows matched by key; the first key (in order) missing on a side or with other figures. */
export function firstDifference<TTotals>(
  ledger: readonly TTotals[],
  facts: readonly TTotals[],
  keyOf: (row: TTotals) => string,
  sameFigures: (a: TTotals, b: TTotals) => boolean,
): FactsCheck<TTotals> {
  const ledgerByKey = new Map(ledger.map((row) => [keyOf(row), row]));
  const factsByKey = new Map(facts.map((row) => [keyOf(row), row]));
  const keys = [...new Set([...ledgerByKey.keys(), ...factsByKey.keys()])].sort();
  for (const key of keys) {
    const inLedger = ledgerByKey.get(key) ?? null;
    const inFacts = factsByKey.get(key) ?? null;
    if (!inLedger || !inFacts || !sameFigures(inLedger, inFacts)) {
      return { ok: false, compared: keys.length, first: { key, ledger: inLedger, clickhouse: inFacts } };
    }
  }
  return { ok: true, compared: keys.length };
}
