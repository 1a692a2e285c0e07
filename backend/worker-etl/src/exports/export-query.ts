import type { ReportExportColumnV1 } from '@casino/contracts';

/**
 * The job's SELECT with every column turned into ClickHouse's own text of it, so that no value goes through a JSON
 * number (a 64-bit integer or a Decimal would lose digits there): datetimes as ISO 8601 in UTC, the rest by
 * `toString`. Column names are checked identifiers (`isValidColumnName`), quoted anyway.
 */
export function exportQuery(sql: string, columns: readonly ReportExportColumnV1[]): string {
  const selected = columns.map(({ name, type }) => {
    const quoted = `\`${name}\``;
    const text = type === 'datetime' ? `formatDateTime(${quoted}, '%Y-%m-%dT%H:%M:%SZ', 'UTC')` : `toString(${quoted})`;
    return `${text} AS ${quoted}`;
  });
  return `SELECT ${selected.join(', ')} FROM (${sql})`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function isValidColumnName(name: unknown): name is string {
  return typeof name === 'string' && IDENTIFIER.test(name);
}
