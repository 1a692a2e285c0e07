import { identifier, renderValue, type Identifier } from '@casino/platform';
import { isTimeDimension, TIME_DIMENSIONS, type DimensionName } from '../catalogue/report-dimensions';
import { BONUS_COST_TRANSACTION_TYPES, type BaseName } from '../catalogue/report-measures';
import { REPORT_SOURCES, type DimensionColumn, type ReportSourceName } from '../catalogue/report-sources';
import type { ReportQuery } from './report-query';

/** A source query asks for one more row than this, to tell a complete answer from a cut one. */
export const MAX_REPORT_ROWS = 10_000;

export interface SourceStatement {
  source: ReportSourceName;
  dimensions: DimensionName[];
  bases: BaseName[];
  sql: string;
}

const COLUMNS: readonly DimensionColumn[] = [
  'currency',
  'provider',
  'game_code',
  'game_category',
  'country',
  'brand',
  'player_country',
  'player_brand',
];

/** The base figures each source computes, as SQL over its rollup (fixed text: no user data). */
const BASE_SQL: Record<ReportSourceName, Partial<Record<BaseName, string>>> = {
  gaming: {
    bets_count: 'sum(bets_count)',
    net_stake_cash: 'sum(stake_cash) - sum(rolled_back_stake_cash)',
    net_stake_bonus: 'sum(stake_bonus) - sum(rolled_back_stake_bonus)',
    net_win_cash: 'sum(win_cash) - sum(rolled_back_win_cash)',
  },
  money: {
    deposits_count: "sumIf(transactions_count, transaction_type = 'deposit')",
    deposits_amount: "sumIf(cash_amount, transaction_type = 'deposit')",
    withdrawals_count: "sumIf(transactions_count, transaction_type IN ('hold_capture', 'withdrawal'))",
    withdrawals_amount:
      "sumIf(negate(held_amount), transaction_type = 'hold_capture') - sumIf(cash_amount, transaction_type = 'withdrawal')",
    bonus_cost:
      BONUS_COST_TRANSACTION_TYPES.length === 0
        ? 'toInt64(0)'
        : `sumIf(cash_amount, transaction_type IN (${BONUS_COST_TRANSACTION_TYPES.map(renderValue).join(', ')}))`,
  },
  bettors: { active_players: 'uniqExactMerge(players)' },
  depositors: { unique_depositors: 'uniqExactMerge(players)' },
  first_deposits: { ftd_count: 'count()', ftd_amount: 'sum(first_value)' },
};

const GAME_CATEGORIES =
  'ANY LEFT JOIN (SELECT provider, game_code, argMax(category, version) AS game_category FROM games ' +
  'GROUP BY provider, game_code) USING (provider, game_code)';

/** Each player's first deposit per currency, its states merged (first_deposits is an AggregatingMergeTree). */
const FIRST_DEPOSITS =
  '(SELECT user_id, currency, any(country) AS player_country, any(brand) AS player_brand, ' +
  'minMerge(first_at) AS first_time, argMinMerge(first_amount) AS first_value FROM first_deposits ' +
  'GROUP BY user_id, currency)';

const FROM: Record<ReportSourceName, { table: string; where: string | null }> = {
  gaming: { table: 'gaming_15m', where: null },
  money: { table: 'money_15m', where: null },
  bettors: { table: 'player_activity_15m', where: "activity = 'bet'" },
  depositors: { table: 'player_activity_15m', where: "activity = 'deposit'" },
  first_deposits: { table: FIRST_DEPOSITS, where: null },
};

/** The statement of one source: its bases grouped by `dimensions`, within the query's dates and filters. */
export function renderSourceStatement(
  source: ReportSourceName,
  query: ReportQuery,
  dimensions: readonly DimensionName[],
): SourceStatement {
  const definition = REPORT_SOURCES[source];
  const time = definition.timeColumn;
  const bases = Object.keys(BASE_SQL[source]) as BaseName[];
  const usesCategory =
    dimensions.includes('category') || query.filters.some((filter) => filter.dimension === 'category');
  const selected = [
    ...dimensions.map((name) => `${dimensionExpression(source, name, query.timeZone)} AS ${alias('d', name)}`),
    ...bases.map((base) => `${BASE_SQL[source][base] ?? 'toInt64(0)'} AS ${alias('b', base)}`),
  ];
  const conditions = [
    `${time} >= toDateTime(${renderValue(`${query.dateRange.from} 00:00:00`)}, ${renderValue(query.timeZone)})`,
    `${time} < toDateTime(${renderValue(`${nextDay(query.dateRange.to)} 00:00:00`)}, ${renderValue(query.timeZone)})`,
    ...(FROM[source].where ? [FROM[source].where] : []),
    ...query.filters.map(
      (filter) =>
        `toString(${column(source, filter.dimension).rendered}) IN (${filter.values.map(renderValue).join(', ')})`,
    ),
  ];
  const groupBy = dimensions.length === 0 ? '' : ` GROUP BY ${dimensions.map((name) => alias('d', name)).join(', ')}`;
  const sql =
    `SELECT ${selected.join(', ')} FROM ${FROM[source].table}${usesCategory ? ` ${GAME_CATEGORIES}` : ''}` +
    ` WHERE ${conditions.join(' AND ')}${groupBy} LIMIT ${MAX_REPORT_ROWS + 1}`;
  return { source, dimensions: [...dimensions], bases, sql };
}

function dimensionExpression(source: ReportSourceName, name: DimensionName, timeZone: string): string {
  if (isTimeDimension(name)) {
    const time = REPORT_SOURCES[source].timeColumn;
    return `toString(${TIME_DIMENSIONS[name].function}(${time}, ${renderValue(timeZone)}))`;
  }
  return `toString(${column(source, name).rendered})`;
}

function column(source: ReportSourceName, dimension: DimensionName): Identifier {
  const name = REPORT_SOURCES[source].columns[dimension];
  if (!name) throw new Error(`Dimension ${dimension} has no column in ${source}`);
  return identifier(name, COLUMNS);
}

function alias(prefix: 'd' | 'b', name: string): string {
  return identifier(`${prefix}_${name}`, [`${prefix}_${name}`]).rendered;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
