import {
  QUEUES,
  REPORT_JOBS,
  reportExportKey,
  type ExportReportJobV1,
  type ExportReportResultV1,
  type ReportExportColumnV1,
} from '@casino/contracts';
import { OBJECT_STORAGE, processTracedJob, type ObjectStorage } from '@casino/platform';
import type { ClickHouseClient, ResultSet } from '@clickhouse/client';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { checkedValue, type ExportRow } from './export-cells';
import { checkedExportJob } from './export-job';
import { exportQuery } from './export-query';
import { EXPORT_WRITERS } from './export-writers';
import { ReportExportMailer } from './report-export-mailer';
import { asJobFailure, asReportExportError, ReportExportError } from './report-export.error';
import { REPORT_EXPORTS_CLICKHOUSE, REPORT_EXPORTS_OPTIONS, type ReportExportsOptions } from './report-exports.tokens';

/**
 * Runs an export job: the report's SELECT on ClickHouse (read-only, with a time limit), its rows streamed into the
 * file of the job's format, stored under `exports/<exportId>.<format>` (a retry overwrites it; a failure leaves none).
 * A scheduled report's recipients are then mailed its link. Logs name the export, the format and the code of a
 * failure, never the SQL or the link.
 */
@Injectable()
@Processor(QUEUES.REPORTS)
export class ReportExportsProcessor extends WorkerHost {
  private readonly logger = new Logger(ReportExportsProcessor.name);

  public constructor(
    @Inject(REPORT_EXPORTS_CLICKHOUSE) private readonly clickhouse: ClickHouseClient,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(REPORT_EXPORTS_OPTIONS) private readonly options: ReportExportsOptions,
    private readonly mailer: ReportExportMailer,
  ) {
    super();
  }

  public process(job: Job<ExportReportJobV1>): Promise<ExportReportResultV1> {
    return processTracedJob(QUEUES.REPORTS, job, () => this.run(job));
  }

  private async run(job: Job<ExportReportJobV1>): Promise<ExportReportResultV1> {
    try {
      if (job.name !== REPORT_JOBS.EXPORT_REPORT) throw new ReportExportError('REPORT_EXPORT_JOB_INVALID', true);
      return await this.export(checkedExportJob(job.data));
    } catch (error) {
      throw asJobFailure(asReportExportError(error, 'storage'));
    }
  }

  private async export(data: ExportReportJobV1): Promise<ExportReportResultV1> {
    const resultSet = await this.query(data).catch((error: unknown) => {
      throw asReportExportError(error, 'query');
    });
    const counted = { rows: 0 };
    const key = reportExportKey(data.exportId, data.format);
    const file = EXPORT_WRITERS[data.format](data.columns, rowsOf(resultSet, data.columns, counted));
    const stored = await this.storage.write(key, file);
    if (data.notify) await this.mailer.notify(data.exportId, data.notify, counted.rows);
    this.logger.log(
      { exportId: data.exportId, format: data.format, rows: counted.rows, bytes: stored.bytes },
      'Export written',
    );
    return { key, rows: String(counted.rows), bytes: String(stored.bytes) };
  }

  private query(data: ExportReportJobV1): Promise<ResultSet<'JSONEachRow'>> {
    return this.clickhouse.query({
      query: exportQuery(data.sql, data.columns),
      format: 'JSONEachRow',
      clickhouse_settings: { readonly: '1', max_execution_time: this.options.maxExecutionSeconds },
    });
  }

  @OnWorkerEvent('failed')
  public onFailed(job: Job<ExportReportJobV1> | undefined, error: Error): void {
    this.logger.warn(
      {
        exportId: job?.data.exportId,
        format: job?.data.format,
        attemptsMade: job?.attemptsMade,
        reason: error.message,
      },
      'Export failed',
    );
  }
}

/** The result's rows in the columns' order, each value checked; a failure of the stream is the query's. */
async function* rowsOf(
  resultSet: ResultSet<'JSONEachRow'>,
  columns: readonly ReportExportColumnV1[],
  counted: { rows: number },
): AsyncGenerator<ExportRow> {
  try {
    for await (const batch of resultSet.stream<Record<string, unknown>>()) {
      for (const row of batch) {
        const values = row.json();
        yield columns.map((column) => checkedValue(column, values[column.name] ?? null));
        counted.rows += 1;
      }
    }
  } catch (error) {
    throw asReportExportError(error, 'query');
  }
}
