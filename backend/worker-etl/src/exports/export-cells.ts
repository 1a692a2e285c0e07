import type { ReportColumnType, ReportExportColumnV1 } from '@casino/contracts';
import { ReportExportError } from './report-export.error';

/** One row of an export, in the order of the job's columns; every value as ClickHouse's text of it, or null. */
export type ExportRow = (string | null)[];

/** What the export query delivers for each type (see export-query.ts): anything else fails the export. */
const SHAPES: Record<Exclude<ReportColumnType, 'string'>, RegExp> = {
  money: /^-?\d+$/,
  integer: /^-?\d+$/,
  decimal: /^-?\d+(\.\d+)?$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  datetime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
};

/** Throws `REPORT_EXPORT_ROW_INVALID` unless the value has its column type's shape. */
export function checkedValue(column: ReportExportColumnV1, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw new ReportExportError('REPORT_EXPORT_ROW_INVALID', true);
  if (column.type !== 'string' && !SHAPES[column.type].test(value)) {
    throw new ReportExportError('REPORT_EXPORT_ROW_INVALID', true);
  }
  // ClickHouse 18.16 prints the epoch day as `0000-00-00`, which is no date.
  if ((column.type === 'date' || column.type === 'datetime') && Number.isNaN(Date.parse(value))) {
    throw new ReportExportError('REPORT_EXPORT_ROW_INVALID', true);
  }
  if (column.type === 'integer' || column.type === 'money') {
    const integer = BigInt(value);
    if (integer < INT64_MIN || integer > INT64_MAX) throw new ReportExportError('REPORT_EXPORT_ROW_INVALID', true);
  }
  return value;
}

/** Money and integers are signed 64-bit (Parquet INT64): a UInt64 above that range fails the export. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell a spreadsheet will not run as a formula (OWASP "CSV injection"): one starting with `=`, `+`, `-`,
 * `@`, a tab or a carriage return gets a leading apostrophe. Only free text needs it: numbers, dates and the
 * other typed values were checked against their shape (a negative amount stays `-500`).
 */
export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
