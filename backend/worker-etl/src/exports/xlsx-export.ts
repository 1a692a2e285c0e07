import type { ReportExportColumnV1 } from '@casino/contracts';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { escapeFormula, type ExportRow } from './export-cells';

type Cell = string | number | null;

/**
 * Money and decimals are text cells (an Excel number is a float); an integer is a number cell while a float holds
 * it exactly, else text. Dates stay ISO text, so no time zone is guessed.
 */
function cellOf(column: ReportExportColumnV1 | undefined, value: string | null): Cell {
  if (value === null) return null;
  if (column?.type === 'string') return escapeFormula(value);
  if (column?.type === 'integer') {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : value;
  }
  return value;
}

/** An XLSX file through exceljs's streaming writer: each row is committed (written out) as it comes. */
export function xlsxExport(columns: readonly ReportExportColumnV1[], rows: AsyncIterable<ExportRow>): Readable {
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Export');
  // Produce only once the stream is read: an error before then would have no listener.
  output.once('resume', () => {
    void (async () => {
      sheet.addRow(columns.map((column) => escapeFormula(column.label))).commit();
      for await (const row of rows) {
        sheet.addRow(row.map((value, index) => cellOf(columns[index], value))).commit();
        if (output.writableNeedDrain) await once(output, 'drain');
      }
      sheet.commit();
      await workbook.commit();
    })().catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  return output;
}
