export const REPORT_EXPORTS_CLICKHOUSE = Symbol('REPORT_EXPORTS_CLICKHOUSE');
export const REPORT_EXPORTS_OPTIONS = Symbol('REPORT_EXPORTS_OPTIONS');

export interface ReportExportsOptions {
  /** The object storage's directory (`REPORT_EXPORT_DIR`). */
  directory: string;
  /** ClickHouse's `max_execution_time` for an export's query, in seconds. */
  maxExecutionSeconds: number;
  /** Links mailed to a scheduled report's recipients (nest-app's link key, the gateway's public URL). */
  mailedLinks: { secret: string; publicUrl: string; ttlSeconds: number };
  clickhouse: { url: string; database: string; username: string; password: string };
}
