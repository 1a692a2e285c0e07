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

/** Rows between two looks at the compressor's backlog. */
const BACKPRESSURE_EVERY_ROWS = 256;

interface LegacyWritable {
  _writableState?: { length?: number; needDrain?: boolean };
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * The sheet's zip entry stream, when it is behind. exceljs's sheet stream (a `StreamBuf`) writes into it without
 * waiting, so a fast query would pile the whole sheet up in memory (524 MB for a million rows): we wait for its
 * `drain` ourselves. It is a readable-stream v2 `PassThrough` (no `writableNeedDrain`), hence `_writableState`;
 * `pipes` is exceljs's own field. Both read defensively: without them the export still works, unthrottled.
 */
function busyEntryStreamOf(sheet: ExcelJS.Worksheet): LegacyWritable | undefined {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown } }).stream?.pipes;
  if (!Array.isArray(pipes)) return undefined;
  return (pipes as LegacyWritable[]).find((pipe) => pipe._writableState?.needDrain === true);
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
      let written = 0;
      for await (const row of rows) {
        sheet.addRow(row.map((value, index) => cellOf(columns[index], value))).commit();
        written += 1;
        if (written % BACKPRESSURE_EVERY_ROWS !== 0) continue;
        const busy = busyEntryStreamOf(sheet);
        if (busy) await new Promise<void>((resolve) => busy.once('drain', resolve));
        if (output.writableNeedDrain) await once(output, 'drain');
      }
      sheet.commit();
      await workbook.commit();
    })().catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  return output;
}
