import {
  REPORT_COLUMN_TYPES,
  REPORT_EXPORT_FORMATS,
  type ExportReportJobV1,
  type ReportExportColumnV1,
  type ReportExportNotifyV1,
} from '@casino/contracts';
import { isValidColumnName } from './export-query';
import { ReportExportError } from './report-export.error';

const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function isColumn(value: unknown): value is ReportExportColumnV1 {
  const column = value as Partial<ReportExportColumnV1> | null;
  return (
    typeof column === 'object' &&
    column !== null &&
    isValidColumnName(column.name) &&
    typeof column.label === 'string' &&
    (REPORT_COLUMN_TYPES as readonly unknown[]).includes(column.type)
  );
}

const EMAIL = /^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,255}$/;

function isNotify(value: unknown): boolean {
  if (value === undefined) return true;
  const notify = value as Partial<ReportExportNotifyV1> | null;
  return (
    typeof notify === 'object' &&
    notify !== null &&
    typeof notify.subject === 'string' &&
    notify.subject.length > 0 &&
    notify.subject.length <= 200 &&
    !/[\r\n]/.test(notify.subject) &&
    Array.isArray(notify.recipients) &&
    notify.recipients.length > 0 &&
    notify.recipients.length <= 20 &&
    notify.recipients.every((to) => typeof to === 'string' && EMAIL.test(to))
  );
}

/** The job's payload, checked: a malformed one fails permanently with `REPORT_EXPORT_JOB_INVALID`. */
export function checkedExportJob(data: unknown): ExportReportJobV1 {
  const job = data as Partial<ExportReportJobV1> | null;
  const columns = job?.columns;
  const valid =
    typeof job?.exportId === 'string' &&
    EXPORT_ID.test(job.exportId) &&
    typeof job.requestedBy === 'string' &&
    (REPORT_EXPORT_FORMATS as readonly unknown[]).includes(job.format) &&
    typeof job.sql === 'string' &&
    job.sql.trim() !== '' &&
    Array.isArray(columns) &&
    columns.length > 0 &&
    columns.every(isColumn) &&
    new Set(columns.map((column) => column.name)).size === columns.length &&
    isNotify(job.notify);
  if (!valid) throw new ReportExportError('REPORT_EXPORT_JOB_INVALID', true);
  return job as ExportReportJobV1;
}
