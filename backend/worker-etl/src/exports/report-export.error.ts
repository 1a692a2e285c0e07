import { REPORT_EXPORT_FAILURES, type ReportExportFailureCode } from '@casino/contracts';
import { UnrecoverableError } from 'bullmq';

/**
 * Why an export failed, as its stable code and the fixed description of that code: what BullMQ keeps as the
 * job's `failedReason` (`<code>: <description>`), so never the SQL, the server's message or a credential.
 */
export class ReportExportError extends Error {
  public constructor(
    public readonly code: ReportExportFailureCode,
    /** Running the same job again would fail again: fail it at once. */
    public readonly permanent: boolean,
  ) {
    super(`${code}: ${REPORT_EXPORT_FAILURES[code]}`);
    this.name = 'ReportExportError';
  }
}

/** A permanent failure as BullMQ's `UnrecoverableError` (no retry); a transient one as it is (retried). */
export function asJobFailure(failure: ReportExportError): Error {
  if (!failure.permanent) return failure;
  const unrecoverable = new UnrecoverableError(failure.message);
  unrecoverable.stack = `${failure.message}`;
  return unrecoverable;
}

/** ClickHouse's error codes that mean the query itself, not the connection, is at fault. */
const TIMEOUT_CODES = new Set([159]);

/**
 * Any error of a running export reduced to a `ReportExportError`. ClickHouse's message quotes the query, so only
 * its numeric code is read (18.16 answers `Code: 62, e.displayText() = …`; newer servers `Code: 62. DB::…`).
 */
export function asReportExportError(error: unknown, stage: 'query' | 'storage'): ReportExportError {
  if (error instanceof ReportExportError) return error;
  if (stage === 'storage') return new ReportExportError('REPORT_EXPORT_STORAGE_FAILED', false);
  const message = error instanceof Error ? error.message : '';
  const serverCode = /^Code: (\d+)[.,]/.exec(message)?.[1];
  if (serverCode === undefined) return new ReportExportError('REPORT_EXPORT_CLICKHOUSE_UNAVAILABLE', false);
  if (TIMEOUT_CODES.has(Number(serverCode))) return new ReportExportError('REPORT_EXPORT_QUERY_TIMEOUT', true);
  return new ReportExportError('REPORT_EXPORT_QUERY_REFUSED', true);
}
