/**
 * The BullMQ queue registry: every queue name and job payload is defined here once,
 * so that producers (nest-app) and consumers (worker-etl) cannot drift apart.
 */
export const QUEUES = {
  MAIL: 'mail',
  SMS: 'sms',
  REPORTS: 'reports',
  ANALYTICS: 'analytics',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

export const MAIL_JOBS = { SEND_EMAIL: 'send-email' } as const;
export interface SendEmailJobV1 {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** What the mail is about, for metrics and logs; never the secret it carries. */
  template: string;
}

export const SMS_JOBS = { SEND_SMS: 'send-sms' } as const;
export interface SendSmsJobV1 {
  to: string;
  text: string;
  template: string;
}

export const REPORT_JOBS = { EXPORT_REPORT: 'export-report' } as const;

export const REPORT_EXPORT_FORMATS = ['csv', 'xlsx', 'parquet'] as const;
export type ReportExportFormat = (typeof REPORT_EXPORT_FORMATS)[number];

/**
 * How a column's values are written. `money` is integer minor units, carried as a decimal string and written as
 * text (CSV, XLSX) or INT64 (Parquet), never through a float; `decimal` is carried and written as its exact text.
 */
export const REPORT_COLUMN_TYPES = ['string', 'money', 'integer', 'decimal', 'date', 'datetime'] as const;
export type ReportColumnType = (typeof REPORT_COLUMN_TYPES)[number];

export interface ReportExportColumnV1 {
  /** The column's name in the query's result (a plain identifier: `[A-Za-z_][A-Za-z0-9_]*`). */
  name: string;
  /** The header shown in the file. */
  label: string;
  type: ReportColumnType;
}

/**
 * One export of a report's rows into a file (`exports/<exportId>.<format>` in the export storage). The job id is
 * the `exportId`, so enqueueing the same export twice is one job, and a retried job overwrites the same file.
 */
export interface ExportReportJobV1 {
  exportId: string;
  /** The staff member's user id. */
  requestedBy: string;
  format: ReportExportFormat;
  /** A ClickHouse SELECT rendered by nest-app's report module, without FORMAT or SETTINGS. */
  sql: string;
  columns: ReportExportColumnV1[];
  /** A scheduled report's recipients: once the file is written, worker-etl mails them its signed link. */
  notify?: ReportExportNotifyV1;
}

export interface ReportExportNotifyV1 {
  recipients: string[];
  /** The mail's subject, e.g. `Report "Daily GGR": 2026-12-06`. */
  subject: string;
}

/** Where an export's file is kept in the object storage: the same key for every attempt of the job. */
export function reportExportKey(exportId: string, format: ReportExportFormat): string {
  return `exports/${exportId}.${format}`;
}

/** What a finished export job returns (BullMQ's `returnvalue`); counts as decimal strings. */
export interface ExportReportResultV1 {
  key: string;
  rows: string;
  bytes: string;
}

/**
 * Why an export failed: the failed job's `failedReason` is `<code>: <description>`, never the SQL, the server's
 * message or credentials.
 */
export const REPORT_EXPORT_FAILURES = {
  REPORT_EXPORT_JOB_INVALID: 'The export job is malformed',
  REPORT_EXPORT_QUERY_REFUSED: 'ClickHouse refused the export query',
  REPORT_EXPORT_QUERY_TIMEOUT: 'The export query exceeded its time limit',
  REPORT_EXPORT_CLICKHOUSE_UNAVAILABLE: 'ClickHouse could not be reached',
  REPORT_EXPORT_ROW_INVALID: 'A row of the export did not match its declared column types',
  REPORT_EXPORT_STORAGE_FAILED: 'The export file could not be written',
} as const;
export type ReportExportFailureCode = keyof typeof REPORT_EXPORT_FAILURES;
