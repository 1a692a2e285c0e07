import type { ReportCatalogue, ReportResult, ReportRow } from '../api/types';
import { formatMinor } from '../common/money';

export type MeasureKind = ReportCatalogue['measures'][number]['kind'];

/** Shown for a measure that is undefined over its row (a ratio over zero): not zero, which would be a figure. */
export const UNDEFINED_CELL = '—';

/**
 * A measure's text, from the API's exact string: money in the row's currency (minor units, string arithmetic), counts
 * with thousands separators, a percent as the API's decimal. Never through a JS number, which would round past 2^53.
 */
export function measureText(kind: MeasureKind | undefined, value: string | null, currency: string | null): string {
  if (value === null) return UNDEFINED_CELL;
  if (kind === 'money') return currency ? formatMinor(value, currency) : value;
  if (kind === 'percent') return `${value} %`;
  if (kind === 'count') return groupThousands(value);
  return value;
}

function groupThousands(integer: string): string {
  const negative = integer.startsWith('-');
  const digits = negative ? integer.slice(1) : integer;
  return `${negative ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

/**
 * The currency a row's money is in: its own `currency` column when currency is a dimension, else the query's one
 * filtered currency (the API refuses money over two currencies at once); null when the query has no money.
 */
export function currencyOf(row: ReportRow, query: ReportResult['query']): string | null {
  if (row.currency) return row.currency;
  const filter = query.filters.find((candidate) => candidate.dimension === 'currency');
  return filter?.values.length === 1 ? filter.values[0] : null;
}
