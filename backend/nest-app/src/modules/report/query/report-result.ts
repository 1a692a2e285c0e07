import type { DimensionName } from '../catalogue/report-dimensions';
import { MEASURES, type BaseName, type Bases, type MeasureName } from '../catalogue/report-measures';

/** One row of a source statement as ClickHouse returns it: `d_<dimension>` texts and `b_<base>` integers. */
export type SourceRow = Record<string, string | number>;

export interface SourceResult {
  dimensions: DimensionName[];
  bases: BaseName[];
  rows: SourceRow[];
}

/** Money and counts as strings of integers, a percent as a decimal string, null when undefined (x/0). */
export type ReportRow = Record<string, string | null>;

const ZERO_BASES = (): Bases =>
  Object.fromEntries(
    [
      'bets_count',
      'net_stake_cash',
      'net_stake_bonus',
      'net_win_cash',
      'gaming_tax',
      'deposits_count',
      'deposits_amount',
      'withdrawals_count',
      'withdrawals_amount',
      'bonus_cost',
      'active_players',
      'unique_depositors',
      'ftd_count',
      'ftd_amount',
    ].map((base) => [base, 0n]),
  ) as Bases;

/** A country's gaming tax rate in basis points (0 when none is configured). */
export type TaxRateOf = (country: string) => bigint;

/**
 * Joins the sources' rows on the requested dimensions and derives each measure. The gaming source may carry an extra
 * `country` grouping (for the gaming tax, a rate per country), which is summed away here: its bases are all sums.
 */
export function assembleRows(
  dimensions: readonly DimensionName[],
  measures: readonly MeasureName[],
  results: readonly SourceResult[],
  taxRateOf: TaxRateOf,
): ReportRow[] {
  const rows = new Map<string, { keys: Record<string, string>; bases: Bases }>();
  for (const result of results) {
    for (const row of result.rows) {
      const keys = Object.fromEntries(dimensions.map((name) => [name, String(row[`d_${name}`] ?? '')]));
      const id = JSON.stringify(dimensions.map((name) => keys[name]));
      const entry = rows.get(id) ?? { keys, bases: ZERO_BASES() };
      rows.set(id, entry);
      for (const base of result.bases) entry.bases[base] += BigInt(row[`b_${base}`] ?? 0);
      if (result.bases.includes('net_stake_cash') && result.dimensions.includes('country')) {
        const ggr = BigInt(row.b_net_stake_cash ?? 0) - BigInt(row.b_net_win_cash ?? 0);
        entry.bases.gaming_tax += (ggr * taxRateOf(String(row.d_country ?? ''))) / 10_000n;
      }
    }
  }
  return [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { keys, bases }]) => ({ ...keys, ...measureValues(measures, bases) }));
}

function measureValues(measures: readonly MeasureName[], bases: Bases): ReportRow {
  return Object.fromEntries(
    measures.map((name) => {
      const value = MEASURES[name].value(bases);
      return [name, value === null ? null : MEASURES[name].kind === 'percent' ? percent(value) : value.toString()];
    }),
  );
}

/** Basis points as a percent with two decimals: 450n -> "4.50", -5n -> "-0.05". */
export function percent(basisPoints: bigint): string {
  const sign = basisPoints < 0n ? '-' : '';
  const magnitude = basisPoints < 0n ? -basisPoints : basisPoints;
  return `${sign}${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, '0')}`;
}
