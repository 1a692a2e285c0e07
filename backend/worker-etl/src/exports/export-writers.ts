import type { ReportExportColumnV1, ReportExportFormat } from '@casino/contracts';
import type { Readable } from 'node:stream';
import { csvExport } from './csv-export';
import type { ExportRow } from './export-cells';
import { parquetExport } from './parquet-export';
import { xlsxExport } from './xlsx-export';

type ExportWriter = (columns: readonly ReportExportColumnV1[], rows: AsyncIterable<ExportRow>) => Readable;

export const EXPORT_WRITERS: Record<ReportExportFormat, ExportWriter> = {
  csv: csvExport,
  xlsx: xlsxExport,
  parquet: parquetExport,
};
