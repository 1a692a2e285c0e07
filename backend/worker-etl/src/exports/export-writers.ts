import type { ReportExportColumnV1, ReportExportFormat } from '@casino/contracts';
import type { Readable } from 'node:stream';
import { csvExport } from './csv-export';
import type { ExportRow } from './export-cells';
import { parquetExport } from './parquet-export';

type ExportWriter = (columns: readonly ReportExportColumnV1[], rows: AsyncIterable<ExportRow>) => Readable;

export const EXPORT_WRITERS: Record<ReportExportFormat, ExportWriter> = {
  csv: csvExport,
  xlsx: (columns, rows) => xlsxWriter().xlsxExport(columns, rows),
  parquet: parquetExport,
};

/** exceljs holds ~35 MB once loaded (measured): it is loaded by the first XLSX export, not at every worker's boot. */
function xlsxWriter(): typeof import('./xlsx-export') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./xlsx-export') as typeof import('./xlsx-export');
}
