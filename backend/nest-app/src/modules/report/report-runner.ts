import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { DimensionName } from './catalogue/report-dimensions';
import { gamingRollupFor, type GamingRollup } from './query/gaming-rollup';
import type { ReportQuery } from './query/report-query';
import { sumRows, totalsAreSums } from './query/report-totals';
import { MAX_REPORT_ROWS, renderReportStatement, type ReportStatement } from './query/report-sql';
import { ReportRepository, type ReportRow } from './report.repository';

export interface ReportRows {
  rows: ReportRow[];
  /** Over the whole range, per currency when currency is a dimension (money is never summed across currencies). */
  totals: ReportRow[];
}

/** Runs a query's statement for its rows and for its totals, on the coarsest rollup that answers it exactly. */
@Injectable()
export class ReportRunner {
  public constructor(
    private readonly repository: ReportRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * The totals' statement is the rows' one when the rows are per currency at most; for additive measures only
   * (`totalsAreSums`) they are summed from the rows, which every row of the range is in (a cut answer is refused).
   */
  public async run(query: ReportQuery): Promise<ReportRows> {
    const totalDimensions = query.dimensions.filter((name) => name === 'currency');
    const rollup = gamingRollupFor(query, await this.repository.rollupCoverage());
    const rowsOf = (dimensions: DimensionName[]) =>
      this.repository.rows(this.statement(query, dimensions, MAX_REPORT_ROWS + 1, rollup));
    if (totalDimensions.length === query.dimensions.length) {
      const rows = await rowsOf(query.dimensions);
      return { rows, totals: rows };
    }
    if (totalsAreSums(query)) {
      const rows = await rowsOf(query.dimensions);
      return { rows, totals: sumRows(rows, query) };
    }
    const [rows, totals] = await Promise.all([rowsOf(query.dimensions), rowsOf(totalDimensions)]);
    return { rows, totals };
  }

  /** The query's rows as one statement without a limit, for an export. */
  public async exportStatement(query: ReportQuery): Promise<ReportStatement> {
    const rollup = gamingRollupFor(query, await this.repository.rollupCoverage());
    return this.statement(query, query.dimensions, null, rollup);
  }

  private statement(
    query: ReportQuery,
    dimensions: DimensionName[],
    limit: number | null,
    gamingRollup: GamingRollup,
  ): ReportStatement {
    return renderReportStatement(query, dimensions, { taxRates: this.config.gamingTaxRates, limit, gamingRollup });
  }
}
