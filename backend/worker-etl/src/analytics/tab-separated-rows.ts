import { tabSeparatedField } from './clickhouse-key-set';

/** A fact row: the columns of its table, each a string (Int64 amounts included) or a number (UInt, Unix seconds). */
export type FactRowValue = string | number;

/**
 * The body of `INSERT INTO table (columns) FORMAT TabSeparated` for these rows: one line per row, the values in the
 * order of `columns`, strings escaped as ClickHouse reads them back. ClickHouse 18.16 parses it in about half the
 * time of JSONEachRow (no field names to match), and it costs the worker less than a JSON.stringify per row.
 */
export function tabSeparatedRows<TRow extends object>(rows: readonly TRow[], columns: readonly (keyof TRow)[]): string {
  const lines: string[] = new Array<string>(rows.length);
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index] as Record<keyof TRow, unknown>;
    let line = '';
    for (let column = 0; column < columns.length; column += 1) {
      if (column > 0) line += '\t';
      line += valueText(row[columns[column]], columns[column]);
    }
    lines[index] = line;
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

function valueText(value: unknown, column: PropertyKey): string {
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value) ? tabSeparatedField(value) : value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new TypeError(`fact column ${String(column)} holds ${typeof value}, not a string or an integer`);
}
