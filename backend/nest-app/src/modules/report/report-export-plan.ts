import type { ReportColumnType, ReportExportColumnV1 } from '@casino/contracts';
import { createHash } from 'node:crypto';
import { ATTRIBUTE_DIMENSIONS, isTimeDimension, TIME_DIMENSIONS } from './catalogue/report-dimensions';
import { MEASURES, type MeasureKind } from './catalogue/report-measures';
import type { ReportQuery } from './query/report-query';

const MEASURE_TYPES: Record<MeasureKind, ReportColumnType> = { money: 'money', count: 'integer', percent: 'decimal' };

/** The export's columns, in the statement's order: the dimensions, then the measures, titled as in the catalogue. */
export function exportColumns(query: ReportQuery): ReportExportColumnV1[] {
  return [
    ...query.dimensions.map((name) =>
      isTimeDimension(name)
        ? { name, label: TIME_DIMENSIONS[name].title, type: 'date' as const }
        : { name, label: ATTRIBUTE_DIMENSIONS[name].title, type: 'string' as const },
    ),
    ...query.measures.map((name) => ({ name, label: MEASURES[name].title, type: MEASURE_TYPES[MEASURES[name].kind] })),
  ];
}

/** What is exported, in words, for the status and the audit log: `ggr, turnover by currency, day; 2026-11-01 to ...`. */
export function exportDescription(query: ReportQuery, report: string | null): string {
  const what = report ?? query.measures.join(', ');
  const by = query.dimensions.length === 0 ? 'in total' : `by ${query.dimensions.join(', ')}`;
  const filters = query.filters.map((filter) => `${filter.dimension} in (${filter.values.join(', ')})`).join('; ');
  return (
    `${what} ${by}; ${query.dateRange.from} to ${query.dateRange.to} (${query.timeZone})` +
    (filters === '' ? '' : `; ${filters}`)
  ).slice(0, 500);
}

/** The export a staff member's idempotency key names: a UUID (version 5 layout) of the member and the key. */
export function exportIdFor(userId: string, idempotencyKey: string): string {
  const hex = createHash('sha256').update(`report-export\u0000${userId}\u0000${idempotencyKey}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
