export const REPORT_EXPORTS_CLICKHOUSE = Symbol('REPORT_EXPORTS_CLICKHOUSE');
export const REPORT_EXPORTS_OPTIONS = Symbol('REPORT_EXPORTS_OPTIONS');

export interface ReportExportsOptions {
  /** The object storage's directory (`REPORT_EXPORT_DIR`). */
  directory: string;
  /** ClickHouse's `max_execution_time` for an export's query, in seconds. */
  maxExecutionSeconds: number;
  clickhouse: { url: string; database: string; username: string; password: string };
}
