import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { AppConfig } from '../../config/app-config';
import { KpiSource } from '../admin';
import { localDate } from './query/report-freshness';
import { validateReportQuery } from './query/report-query';
import { ReportCache } from './report-cache';
import { ReportRunner, type ReportRows } from './report-runner';

const KPI_ZONE = 'UTC';
const KPI_MEASURES = ['ggr', 'turnover', 'deposits_amount', 'active_players', 'ftd_count'];

/**
 * The admin dashboard's KPIs (the admin module's `KpiSource` port): today's figures in UTC per currency, flat
 * (`EUR ggr` -> minor units), always provisional since the day is open. Cached like any open-day report.
 */
@Injectable()
export class ReportKpiSource extends KpiSource {
  public constructor(
    private readonly runner: ReportRunner,
    private readonly cache: ReportCache,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
  }

  public async dashboardKpis(): Promise<Record<string, unknown>> {
    const today = localDate(this.clock.now(), KPI_ZONE);
    const query = validateReportQuery({
      measures: KPI_MEASURES,
      dimensions: ['currency'],
      timeZone: KPI_ZONE,
      dateRange: { from: today, to: today },
    });
    const key = ReportCache.keyOf({ query, report: 'dashboard' });
    const rows = (await this.cache.get<ReportRows>(key)) ?? (await this.fresh(key, query));
    const figures = rows.rows.flatMap((row) =>
      KPI_MEASURES.map((measure) => [`${row.currency ?? ''} ${measure}`, row[measure] ?? null] as const),
    );
    return { date: today, timeZone: KPI_ZONE, provisional: true, ...Object.fromEntries(figures) };
  }

  private async fresh(key: string, query: ReturnType<typeof validateReportQuery>): Promise<ReportRows> {
    const rows = await this.runner.run(query);
    await this.cache.set(key, rows, this.config.REPORT_CACHE_OPEN_TTL_SECONDS);
    return rows;
  }
}
