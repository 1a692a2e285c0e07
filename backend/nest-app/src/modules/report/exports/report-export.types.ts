import type { ReportExportColumnV1, ReportExportFormat, ReportExportNotifyV1 } from '@casino/contracts';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../../common/http/request-origin';

/** What the report module hands over once it has rendered a report's query (POST /reports/exports). */
export interface ReportExportRequest {
  /** A ClickHouse SELECT without FORMAT, rendered by the report module from a validated query. */
  sql: string;
  columns: ReportExportColumnV1[];
  format: ReportExportFormat;
  requestedBy: AuthenticatedUser;
  origin: RequestOrigin;
  /** What is exported, in words, for the audit log and the status (e.g. `GGR by game, 2026-Q3, Europe/London`). */
  description: string;
  /** The export holds personal data (player ids, emails): its downloads are audited as such. */
  personalData?: boolean;
  /** A scheduled run's id, derived from the schedule and its dates: its retries are one export. */
  exportId?: string;
  /** Whom worker-etl mails the link to once the file is written (scheduled reports). */
  notify?: ReportExportNotifyV1;
}

export type ReportExportState = 'queued' | 'running' | 'succeeded' | 'failed' | 'expired';

export interface ReportExportStatus {
  id: string;
  format: ReportExportFormat;
  description: string;
  createdAt: Date;
  state: ReportExportState;
  rows: string | null;
  bytes: string | null;
  failureCode: string | null;
  download: { url: string; expiresAt: Date } | null;
}

export interface ReportExportDownload {
  stream: NodeJS.ReadableStream;
  bytes: number;
  contentType: string;
  fileName: string;
}
