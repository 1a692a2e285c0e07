import type { ExportReportJobV1, ExportReportResultV1 } from '@casino/contracts';
import type { ObjectStorage } from '@casino/platform';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { Clock } from '../../../common/time/clock';
import { loadAppConfig } from '../../../config/load-app-config';
import type { ReportExportsRepository } from './report-exports.repository';
import { ReportExportsService } from './report-exports.service';

/**
 * A job that fails while its status is being read (stop 26's CI flake): the status never says `failed` without the
 * worker's code, whichever of BullMQ's two reads the failure falls between.
 */
describe('ReportExportsService.status while the job settles', () => {
  const REASON = 'REPORT_EXPORT_QUERY_REFUSED: ClickHouse refused the export query';
  const requester = { userId: 'staff-1' } as AuthenticatedUser;
  const repository = {
    findById: () =>
      Promise.resolve({
        id: 'export-1',
        requestedBy: 'staff-1',
        format: 'csv',
        description: 'd',
        createdAt: new Date(),
      }),
  } as unknown as ReportExportsRepository;

  /** A queue whose job fails right after the first read of it, as the worker could between two round trips. */
  function queueFailingAfterFirstRead(): Queue<ExportReportJobV1, ExportReportResultV1> {
    let failed = false;
    const afterRead = <T>(value: T): T => {
      failed = true;
      return value;
    };
    const snapshot = () => ({
      failedReason: failed ? REASON : undefined,
      returnvalue: null,
      getState: () => Promise.resolve(failed ? 'failed' : 'active'),
    });
    return {
      getJobState: () => Promise.resolve(afterRead(failed ? 'failed' : 'active')),
      getJob: () => Promise.resolve(afterRead(snapshot())),
    } as unknown as Queue<ExportReportJobV1, ExportReportResultV1>;
  }

  it('answers running, or failed with its code; the next read says failed with the code', async () => {
    const service = new ReportExportsService(
      repository,
      {} as DataSource,
      {} as AuditLog,
      { now: () => new Date() } as Clock,
      loadAppConfig({}),
      queueFailingAfterFirstRead(),
      {} as ObjectStorage,
    );
    const first = await service.status('export-1', requester);
    expect(first.state === 'running' || first.failureCode === 'REPORT_EXPORT_QUERY_REFUSED').toBe(true);
    const second = await service.status('export-1', requester);
    expect([second.state, second.failureCode, second.download]).toEqual([
      'failed',
      'REPORT_EXPORT_QUERY_REFUSED',
      null,
    ]);
  });
});
