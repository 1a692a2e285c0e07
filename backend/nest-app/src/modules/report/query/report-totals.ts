import { MEASURES, type MeasureDefinition, type MeasureName } from '../catalogue/report-measures';
import type { ReportRow } from '../report.repository';
import type { ReportQuery } from './report-query';

/** True when every measure of the query is additive: its totals are then the sums of its rows, exactly. */
export function totalsAreSums(query: Pick<ReportQuery, 'measures'>): boolean {
  return query.measures.every((name) => (MEASURES[name] as MeasureDefinition).additive === true);
}

/**
 * The totals of additive measures as the sums of the rows' values (integers, in BigInt: no precision lost), one row
 * per currency in the currencies' order when currency is a dimension, else one row (zeros when there are no rows),
 * as the totals statement answers.
 */
export function sumRows(rows: readonly ReportRow[], query: Pick<ReportQuery, 'measures' | 'dimensions'>): ReportRow[] {
  const byCurrency = query.dimensions.includes('currency');
  const sums = new Map<string, Map<MeasureName, bigint>>();
  if (!byCurrency) sums.set('', zeros(query.measures));
  for (const row of rows) {
    const group = byCurrency ? (row.currency ?? '') : '';
    let totals = sums.get(group);
    if (!totals) {
      totals = zeros(query.measures);
      sums.set(group, totals);
    }
    for (const name of query.measures) totals.set(name, (totals.get(name) ?? 0n) + BigInt(row[name] ?? '0'));
  }
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, totals]) => ({
      ...(byCurrency ? { currency } : {}),
      ...Object.fromEntries([...totals].map(([name, value]) => [name, value.toString()])),
    }));
}

function zeros(measures: readonly MeasureName[]): Map<MeasureName, bigint> {
  return new Map(measures.map((name) => [name, 0n]));
}
