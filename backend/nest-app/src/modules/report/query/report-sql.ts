import { identifier, renderValue, type Identifier } from '@casino/platform';
import { isTimeDimension, TIME_DIMENSIONS, type DimensionName } from '../catalogue/report-dimensions';
import { BASE_SOURCE, BONUS_COST_TRANSACTION_TYPES, MEASURES, type BaseName } from '../catalogue/report-measures';
import { REPORT_SOURCES, type DimensionColumn, type ReportSourceName } from '../catalogue/report-sources';
import type { GamingRollup } from './gaming-rollup';
import { sourcesOf, type ReportQuery } from './report-query';

/** The API asks for one more row than this, to tell a complete answer from a cut one. */
export const MAX_REPORT_ROWS = 10_000;

export interface ReportStatementOptions {
  /** Gaming tax rate per player country, in basis points (REPORT_GAMING_TAX_RATES). */
  taxRates: ReadonlyMap<string, bigint>;
  /** At most this many rows; null for none (an export). */
  limit: number | null;
  /** The rollup the gaming measures are read from (`gamingRollupFor`); gaming_15m when not said. */
  gamingRollup?: GamingRollup;
}

/** One statement for a whole query: its result has a text column per dimension, then one per measure, by name. */
export interface ReportStatement {
  sql: string;
  dimensions: DimensionName[];
}

const COLUMNS: readonly DimensionColumn[] = [
  'currency',
  'provider',
  'payment_method',
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
        ? '0'
        : `sumIf(cash_amount, transaction_type IN (${BONUS_COST_TRANSACTION_TYPES.map(renderValue).join(', ')}))`,
  },
  bettors: { active_players: 'uniqExactMerge(players)' },
  depositors: { unique_depositors: 'uniqExactMerge(players)' },
  first_deposits: { ftd_count: 'count()', ftd_amount: 'sum(first_value)' },
  bonus: {
    bonus_granted: 'sum(granted_amount)',
    bonus_converted: 'sum(converted_amount)',
    bonus_removed: 'sum(removed_amount)',
  },
};

/** The gaming rollup's player country, as its dimension expression (a GROUP BY key when the gaming tax is asked). */
const PLAYER_COUNTRY = 'toString(`country`)';

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
  bonus: { table: 'bonus_15m', where: null },
};

/**
 * The query as one SELECT, in three layers: each source's rollup grouped by the dimensions (`d_*`) with the bases it
 * owns (`b_*`, zero for the others), the branches joined by UNION ALL; their sums per dimension values (`s_*`) and
 * each measure's catalogue SQL over them (`m_*`); then one text column per dimension and per measure, by name,
 * ordered by the dimensions.
 */
export function renderReportStatement(
  query: ReportQuery,
  dimensions: readonly DimensionName[],
  options: ReportStatementOptions,
): ReportStatement {
  const bases = basesOf(query);
  const branches = sourcesOf(query.measures).map((source) =>
    renderSourceBranch(source, query, dimensions, bases, options),
  );
  const keys = dimensions.map((name) => alias('d', name));
  const sums = [
    ...keys,
    ...bases.map((base) => `sum(${alias('b', base)}) AS ${alias('s', base)}`),
    ...query.measures.map((name) => `${MEASURES[name].sql} AS ${alias('m', name)}`),
  ];
  const aggregated =
    `SELECT ${sums.join(', ')} FROM (${branches.join(' UNION ALL ')})` +
    (keys.length === 0 ? '' : ` GROUP BY ${keys.join(', ')}`);
  const columns = [
    ...dimensions.map((name) => `${dimensionText(name)} AS ${alias('', name)}`),
    ...query.measures.map((name) => `${measureText(name)} AS ${alias('', name)}`),
  ];
  const sql =
    `SELECT ${columns.join(', ')} FROM (${aggregated})` +
    (keys.length === 0 ? '' : ` ORDER BY ${keys.join(', ')}`) +
    (options.limit === null ? '' : ` LIMIT ${options.limit}`);
  return { sql, dimensions: [...dimensions] };
}

function basesOf(query: ReportQuery): BaseName[] {
  return [...new Set(query.measures.flatMap((name) => MEASURES[name].bases))].sort();
}

/** One source's rollup grouped by the dimensions. */
function renderSourceBranch(
  source: ReportSourceName,
  query: ReportQuery,
  dimensions: readonly DimensionName[],
  bases: readonly BaseName[],
  options: ReportStatementOptions,
): string {
  const taxed = source === 'gaming' && bases.includes('gaming_tax') && options.taxRates.size > 0;
  const selected = [
    ...dimensions.map((name) => `${dimensionExpression(source, name, query.timeZone)} AS ${alias('d', name)}`),
    ...bases.map((base) => `toInt64(${baseExpression(source, base, taxed, options.taxRates)}) AS ${alias('b', base)}`),
  ];
  // The gaming tax, a rate per country, is taken per country: grouped by country too (not selected, unless asked).
  const keys = [
    ...dimensions.map((name) => alias('d', name)),
    ...(taxed && !dimensions.includes('country') ? [PLAYER_COUNTRY] : []),
  ];
  const time = REPORT_SOURCES[source].timeColumn;
  const usesCategory =
    dimensions.includes('category') || query.filters.some((filter) => filter.dimension === 'category');
  const conditions = [
    `${time} >= toDateTime(${renderValue(`${query.dateRange.from} 00:00:00`)}, ${renderValue(query.timeZone)})`,
    `${time} < toDateTime(${renderValue(`${nextDay(query.dateRange.to)} 00:00:00`)}, ${renderValue(query.timeZone)})`,
    ...(FROM[source].where ? [FROM[source].where] : []),
    ...query.filters.map(
      (filter) =>
        `toString(${column(source, filter.dimension).rendered}) IN (${filter.values.map(renderValue).join(', ')})`,
    ),
  ];
  const groupBy = keys.length === 0 ? '' : ` GROUP BY ${keys.join(', ')}`;
  const table = source === 'gaming' ? (options.gamingRollup ?? FROM.gaming.table) : FROM[source].table;
  return (
    `SELECT ${selected.join(', ')} FROM ${table}${usesCategory ? ` ${GAME_CATEGORIES}` : ''}` +
    ` WHERE ${conditions.join(' AND ')}${groupBy}`
  );
}

function baseExpression(
  source: ReportSourceName,
  base: BaseName,
  taxed: boolean,
  taxRates: ReadonlyMap<string, bigint>,
): string {
  if (BASE_SOURCE[base] !== source) return '0';
  if (base !== 'gaming_tax') return BASE_SQL[source][base] ?? '0';
  if (!taxed) return '0';
  const rates = [...taxRates].sort(([a], [b]) => (a < b ? -1 : 1));
  const rate = `multiIf(${rates.map(([country, bp]) => `${PLAYER_COUNTRY} = ${renderValue(country)}, ${bp}`).join(', ')}, 0)`;
  // Truncated per country, as the tax is computed per country.
  return `intDiv((${BASE_SQL.gaming.net_stake_cash} - (${BASE_SQL.gaming.net_win_cash})) * ${rate}, 10000)`;
}

/** A measure as text: integers as they are, a percent (basis points) as `-0.05`; NULL stays NULL (x/0). */
function measureText(name: keyof typeof MEASURES): string {
  const value = alias('m', name);
  if (MEASURES[name].kind !== 'percent') return `toString(${value})`;
  const magnitude = `abs(${value})`;
  return (
    `concat(if(${value} < 0, '-', ''), toString(intDiv(${magnitude}, 100)), '.', ` +
    `substring(toString(100 + ${magnitude} % 100), 2, 2))`
  );
}

/** A time dimension is grouped by as a Date (two bytes, not a string per row) and written as text at the end. */
function dimensionExpression(source: ReportSourceName, name: DimensionName, timeZone: string): string {
  if (isTimeDimension(name)) {
    const time = REPORT_SOURCES[source].timeColumn;
    return `${TIME_DIMENSIONS[name].function}(${time}, ${renderValue(timeZone)})`;
  }
  return `toString(${column(source, name).rendered})`;
}

function dimensionText(name: DimensionName): string {
  return isTimeDimension(name) ? `toString(${alias('d', name)})` : alias('d', name);
}

function column(source: ReportSourceName, dimension: DimensionName): Identifier {
  const name = REPORT_SOURCES[source].columns[dimension];
  if (!name) throw new Error(`Dimension ${dimension} has no column in ${source}`);
  return identifier(name, COLUMNS);
}

function alias(prefix: 'd' | 'b' | 's' | 'm' | '', name: string): string {
  const text = prefix === '' ? name : `${prefix}_${name}`;
  return identifier(text, [text]).rendered;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
