import type { ReportExportColumnV1 } from '@casino/contracts';
import { Readable } from 'node:stream';
import { escapeFormula, type ExportRow } from './export-cells';

const NEEDS_QUOTES = /[",\r\n]/;

/** A CSV field as RFC 4180 writes it: quoted when it holds a quote, a comma or a line break; quotes doubled. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** A CSV file (UTF-8, CRLF, a header of the labels), one line at a time from the rows, never the whole file. */
export function csvExport(columns: readonly ReportExportColumnV1[], rows: AsyncIterable<ExportRow>): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(columns.map((column) => escapeFormula(column.label)));
    for await (const row of rows) {
      yield csvLine(
        row.map((value, index) => {
          if (value === null) return '';
          return columns[index]?.type === 'string' ? escapeFormula(value) : value;
        }),
      );
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
