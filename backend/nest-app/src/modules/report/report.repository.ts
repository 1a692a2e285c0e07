import { DomainError } from '@casino/contracts';
import { CLICKHOUSE_CLIENT } from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { MAX_REPORT_ROWS, type SourceStatement } from './query/report-sql';
import type { SourceResult, SourceRow } from './query/report-result';

/** Runs rendered report statements on ClickHouse, read-only and time-limited. */
@Injectable()
export class ReportRepository {
  public constructor(
    @Inject(CLICKHOUSE_CLIENT) private readonly clickhouse: ClickHouseClient,
    private readonly config: AppConfig,
  ) {}

  public async run(statement: SourceStatement): Promise<SourceResult> {
    const result = await this.clickhouse.query({
      query: statement.sql,
      format: 'JSONEachRow',
      clickhouse_settings: {
        // 2: no writes, but settings may still be given (1 would refuse max_execution_time itself).
        readonly: '2',
        max_execution_time: this.config.REPORT_QUERY_TIMEOUT_SECONDS,
      },
    });
    const rows = await result.json<SourceRow>();
    if (rows.length > MAX_REPORT_ROWS) {
      throw new DomainError(
        'REPORT_RESULT_TOO_LARGE',
        `The query gives more than ${MAX_REPORT_ROWS} rows: narrow the dates, dimensions or filters`,
      );
    }
    return { dimensions: statement.dimensions, bases: statement.bases, rows };
  }
}
