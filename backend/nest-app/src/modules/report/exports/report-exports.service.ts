import {
  QUEUES,
  REPORT_JOBS,
  reportExportKey,
  type ExportReportJobV1,
  type ExportReportResultV1,
  type ReportExportFormat,
} from '@casino/contracts';
import { DomainError } from '@casino/contracts';
import { OBJECT_STORAGE, SignedLinks, tracedJob, type ObjectStorage } from '@casino/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../../common/http/request-origin';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import type {
  ReportExportDownload,
  ReportExportRequest,
  ReportExportState,
  ReportExportStatus,
} from './report-export.types';
import { ReportExportsRepository, type ReportExportRecord } from './report-exports.repository';

const CONTENT_TYPES: Record<ReportExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  parquet: 'application/vnd.apache.parquet',
};

const JOB_STATES: Record<string, ReportExportState> = {
  waiting: 'queued',
  'waiting-children': 'queued',
  delayed: 'queued',
  prioritized: 'queued',
  active: 'running',
  completed: 'succeeded',
  failed: 'failed',
};

const FAILURE_CODE = /^(REPORT_EXPORT_[A-Z_]+):/;

/**
 * Report exports for staff: the request (a row, an audit record and a `reports` job whose id is the export's),
 * its status from the job, and a signed expiring link to the file worker-etl wrote.
 */
@Injectable()
export class ReportExportsService {
  private readonly links: SignedLinks;

  public constructor(
    private readonly repository: ReportExportsRepository,
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @InjectQueue(QUEUES.REPORTS) private readonly queue: Queue<ExportReportJobV1, ExportReportResultV1>,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {
    this.links = new SignedLinks(config.REPORT_EXPORT_LINK_SECRET);
  }

  /**
   * Records and enqueues an export; returns its id. With `request.exportId` (a scheduled run's), a second request
   * of the same id records nothing more and enqueues the same job (BullMQ keeps one job per id). The SQL is never
   * audited or logged, the description is.
   */
  public async request(request: ReportExportRequest): Promise<string> {
    const id = request.exportId ?? randomUUID();
    const { requestedBy: user, origin } = request;
    await this.dataSource.transaction(async (manager) => {
      const recorded = await this.repository.insert(
        { id, requestedBy: user.userId, format: request.format, description: request.description },
        manager,
      );
      if (!recorded) {
        await this.assertSameExport(id, request);
        return;
      }
      await this.auditLog.record(
        {
          ...this.actorOf(user, origin),
          action: 'report.export.request',
          targetType: 'report_export',
          targetId: id,
          details: {
            format: request.format,
            description: request.description,
            columns: request.columns.map((column) => column.name),
            personalData: request.personalData ?? false,
            ...(request.notify ? { recipients: request.notify.recipients } : {}),
          },
        },
        manager,
      );
    });
    const job: ExportReportJobV1 = {
      exportId: id,
      requestedBy: user.userId,
      format: request.format,
      sql: request.sql,
      columns: request.columns,
      ...(request.notify ? { notify: request.notify } : {}),
    };
    await this.queue.add(REPORT_JOBS.EXPORT_REPORT, tracedJob(job), { jobId: id, attempts: 3 });
    return id;
  }

  /** A second request of a recorded export id (a retry, a scheduled run again) must ask for the same export. */
  private async assertSameExport(id: string, request: ReportExportRequest): Promise<void> {
    const recorded = await this.repository.findById(id);
    const same =
      recorded?.requestedBy === request.requestedBy.userId &&
      recorded.format === request.format &&
      recorded.description === request.description;
    if (!same) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another export');
    }
  }

  /** The export's status for the staff member who requested it; anyone else is told it does not exist. */
  public async status(exportId: string, requester: AuthenticatedUser): Promise<ReportExportStatus> {
    const record = await this.repository.findById(exportId);
    if (!record || record.requestedBy !== requester.userId) {
      throw new DomainError('REPORT_EXPORT_NOT_FOUND', 'No such export', { id: exportId });
    }
    // The state first, then the job: a snapshot read before the state could predate the outcome the state names.
    const jobState = await this.queue.getJobState(exportId);
    const job = jobState === 'unknown' ? undefined : await this.queue.getJob(exportId);
    const progress = job ? this.progressOf(jobState, job) : await this.progressWithoutJob(record);
    const download = progress.state === 'succeeded' ? this.downloadLink(exportId) : null;
    return {
      id: record.id,
      format: record.format,
      description: record.description,
      createdAt: record.createdAt,
      ...progress,
      download,
    };
  }

  /** The file behind a signed link (checked here, before anything is read), its download audited. */
  public async download(
    exportId: string,
    expires: unknown,
    signature: unknown,
    origin: RequestOrigin,
  ): Promise<ReportExportDownload> {
    const check = this.links.check(exportId, expires, signature, Math.floor(this.clock.now().getTime() / 1000));
    if (check === 'invalid') throw new DomainError('REPORT_EXPORT_LINK_INVALID', 'The download link is not valid');
    if (check === 'expired') throw new DomainError('REPORT_EXPORT_LINK_EXPIRED', 'The download link has expired');
    const record = await this.repository.findById(exportId);
    const file = record ? await this.storage.openRead(reportExportKey(exportId, record.format)) : null;
    if (!record || !file) throw new DomainError('REPORT_EXPORT_NOT_READY', 'The export file is not available');
    await this.auditLog.record({
      actorId: null,
      actorRoles: [],
      action: 'report.export.download',
      targetType: 'report_export',
      targetId: exportId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      requestId: origin.requestId,
      details: { format: record.format, bytes: file.bytes, requestedBy: record.requestedBy },
    });
    return {
      stream: file.stream,
      bytes: file.bytes,
      contentType: CONTENT_TYPES[record.format],
      fileName: `report-export-${exportId}.${record.format}`,
    };
  }

  private progressOf(jobState: string, job: Job<ExportReportJobV1, ExportReportResultV1>) {
    const state = JOB_STATES[jobState] ?? 'queued';
    const result = state === 'succeeded' ? (job.returnvalue as ExportReportResultV1 | null) : null;
    return {
      state,
      rows: result?.rows ?? null,
      bytes: result?.bytes ?? null,
      failureCode: state === 'failed' ? (FAILURE_CODE.exec(job.failedReason)?.[1] ?? 'REPORT_EXPORT_FAILED') : null,
    };
  }

  /** BullMQ removed the job (its retention ran out): the file, if still kept, is the outcome. */
  private async progressWithoutJob(record: ReportExportRecord) {
    const file = await this.storage.openRead(reportExportKey(record.id, record.format));
    file?.stream.destroy();
    return {
      state: file ? ('succeeded' as const) : ('expired' as const),
      rows: null,
      bytes: file ? String(file.bytes) : null,
      failureCode: null,
    };
  }

  private downloadLink(exportId: string): { url: string; expiresAt: Date } {
    const expires = Math.floor(this.clock.now().getTime() / 1000) + this.config.REPORT_EXPORT_LINK_TTL_SECONDS;
    const { signature } = this.links.sign(exportId, expires);
    return {
      url: `/api/v1/reports/exports/${exportId}/download?expires=${expires}&signature=${signature}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  private actorOf(user: AuthenticatedUser, origin: RequestOrigin) {
    return {
      actorId: user.userId,
      actorRoles: user.roles,
      ip: origin.ip,
      userAgent: origin.userAgent,
      requestId: origin.requestId,
    };
  }
}
