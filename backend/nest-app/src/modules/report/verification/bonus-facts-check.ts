import { renderValue } from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import type { DataSource } from 'typeorm';
import { firstDifference, type DateRange, type FactsCheck } from './ledger-facts-check';

/** One day × currency × bonus ledger type: how many transactions and how much bonus money (or cash) they moved. */
export interface BonusDailyTotals {
  day: string;
  currency: string;
  type: string;
  transactions: string;
  amount: string;
}

/**
 * The ledger's bonus movements per UTC day (docs/bonuses.md "Bonus money in the ledger"): the bonus money a grant
 * credited, the cash a conversion credited (the bonus cost), the bonus money a forfeit or expiry took back.
 */
export const LEDGER_BONUS_DAILY_TOTALS = `
  SELECT to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, t.currency, t.type,
         count(DISTINCT t.id)::text AS transactions,
         (CASE t.type
            WHEN 'bonus_grant' THEN coalesce(sum(e.amount) FILTER (WHERE a.kind = 'player_bonus'), 0)
            WHEN 'bonus_convert' THEN coalesce(sum(e.amount) FILTER (WHERE a.kind = 'player_cash'), 0)
            ELSE -coalesce(sum(e.amount) FILTER (WHERE a.kind = 'player_bonus'), 0)
          END)::text AS amount
    FROM ledger_transactions t
    LEFT JOIN ledger_entries e ON e.transaction_id = t.id
    LEFT JOIN ledger_accounts a ON a.id = e.account_id
   WHERE t.type IN ('bonus_grant', 'bonus_convert', 'bonus_forfeit', 'bonus_expire')
     AND t.created_at >= ($1::date AT TIME ZONE 'UTC') AND t.created_at < (($2::date + 1) AT TIME ZONE 'UTC')
   GROUP BY 1, 2, 3`;

/**
 * The same totals from ClickHouse's `bonus_events` (migration 008), each step on the day of its ledger transaction
 * as `wallet_transactions` has it (the event's own `at` is a few milliseconds later and could fall on the next day);
 * a step whose transaction is not loaded stays on its own day, so it is still compared.
 */
export function clickHouseBonusDailyTotals(range: DateRange): string {
  return `
  SELECT toString(toDate(if(toUInt32(ledger_at) = 0, bonus_at, ledger_at), 'UTC')) AS day,
         toString(currency) AS currency, type, toString(count()) AS transactions, toString(sum(amount)) AS amount
    FROM (SELECT ledger_transaction_id AS transaction_id, occurred_at AS bonus_at, currency,
                 multiIf(step = 'activated', 'bonus_grant', step = 'converted', 'bonus_convert',
                         step IN ('forfeited', 'canceled'), 'bonus_forfeit', 'bonus_expire') AS type,
                 granted + converted + removed AS amount
            FROM bonus_events WHERE step != 'offered' AND ledger_transaction_id != '')
    ANY LEFT JOIN (SELECT transaction_id, occurred_at AS ledger_at FROM wallet_transactions
                    WHERE transaction_type IN ('bonus_grant', 'bonus_convert', 'bonus_forfeit', 'bonus_expire'))
   USING transaction_id
   WHERE day >= ${renderValue(range.from)} AND day <= ${renderValue(range.to)}
   GROUP BY day, currency, type`;
}

const keyOf = (row: BonusDailyTotals): string => `${row.day} ${row.currency} ${row.type}`;
const sameFigures = (a: BonusDailyTotals, b: BonusDailyTotals): boolean =>
  a.transactions === b.transactions && a.amount === b.amount;

/** `npm run etl:verify`, bonus part: ClickHouse's bonus facts against the ledger's bonus transactions. */
export async function checkLedgerAgainstBonusFacts(
  dataSource: DataSource,
  clickhouse: ClickHouseClient,
  range: DateRange,
): Promise<FactsCheck<BonusDailyTotals>> {
  const ledger = (await dataSource.query(LEDGER_BONUS_DAILY_TOTALS, [range.from, range.to])) as BonusDailyTotals[];
  const facts = await (
    await clickhouse.query({ query: clickHouseBonusDailyTotals(range), format: 'JSONEachRow' })
  ).json<BonusDailyTotals>();
  return firstDifference(ledger, facts, keyOf, sameFigures);
}
