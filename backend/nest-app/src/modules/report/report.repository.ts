import { DomainError } from '@casino/contracts';
import { CLICKHOUSE_CLIENT } from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { MAX_REPORT_ROWS, type ReportStatement } from './query/report-sql';

/** Money and counts as strings of integers, a percent as a decimal string, null when undefined (x/0). */
export type ReportRow = Record<string, string | null>;

/** Runs rendered report statements on ClickHouse, read-only and time-limited. */
@Injectable()
export class ReportRepository {
  public constructor(
    @Inject(CLICKHOUSE_CLIENT) private readonly clickhouse: ClickHouseClient,
    private readonly config: AppConfig,
  ) {}

  /** The statement's rows (rendered with a limit of one more than MAX_REPORT_ROWS); more than that is refused. */
  public async rows(statement: ReportStatement): Promise<ReportRow[]> {
    const result = await this.clickhouse.query({
      query: statement.sql,
      format: 'JSONEachRow',
      clickhouse_settings: {
        // 2: no writes, but settings may still be given (1 would refuse max_execution_time itself).
        readonly: '2',
        max_execution_time: this.config.REPORT_QUERY_TIMEOUT_SECONDS,
      },
    });
    const rows = await result.json<ReportRow>();
    if (rows.length > MAX_REPORT_ROWS) {
      throw new DomainError(
        'REPORT_RESULT_TOO_LARGE',
        `The query gives more than ${MAX_REPORT_ROWS} rows: narrow the dates, dimensions or filters`,
      );
    }
    return rows;
  }
}
