import { DomainError } from '@casino/contracts';
import { CLICKHOUSE_CLIENT } from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { RollupCoverage } from './query/gaming-rollup';
import { MAX_REPORT_ROWS, type ReportStatement } from './query/report-sql';

/** Money and counts as strings of integers, a percent as a decimal string, null when undefined (x/0). */
export type ReportRow = Record<string, string | null>;

const COVERAGE_TTL_MS = 60_000;

/** Runs rendered report statements on ClickHouse, read-only and time-limited. */
@Injectable()
export class ReportRepository {
  public constructor(
    @Inject(CLICKHOUSE_CLIENT) private readonly clickhouse: ClickHouseClient,
    private readonly config: AppConfig,
  ) {}

  private readonly logger = new Logger(ReportRepository.name);
  private coverage: { map: RollupCoverage; readAt: number } | null = null;

  /**
   * From when each coarse rollup holds every fact (ClickHouse `rollup_coverage`, migration 006), read at most once a
   * minute; unreadable, no coarse rollup is used (gaming_15m always answers).
   */
  public async rollupCoverage(now = Date.now()): Promise<RollupCoverage> {
    if (this.coverage && now - this.coverage.readAt < COVERAGE_TTL_MS) return this.coverage.map;
    try {
      const result = await this.clickhouse.query({
        query:
          // `rollup` is a keyword of GROUP BY on 18.16: the column is rollup_table.
          'SELECT rollup_table, toString(toUnixTimestamp(argMax(complete_from, recorded_at))) AS since ' +
          'FROM rollup_coverage GROUP BY rollup_table',
        format: 'JSONEachRow',
        clickhouse_settings: { readonly: '2' },
      });
      const rows = await result.json<{ rollup_table: string; since: string }>();
      this.coverage = { map: new Map(rows.map((row) => [row.rollup_table, Number(row.since)])), readAt: now };
    } catch (error) {
      this.logger.warn(
        { code: 'REPORT_ROLLUP_COVERAGE_UNREADABLE', reason: error instanceof Error ? error.message : String(error) },
        'Coarse rollups unused: their coverage is unreadable',
      );
      this.coverage = { map: new Map(), readAt: now };
    }
    return this.coverage.map;
  }

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
