import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { DimensionName } from './catalogue/report-dimensions';
import { MEASURES } from './catalogue/report-measures';
import { sourcesOf, type ReportQuery } from './query/report-query';
import { assembleRows, type ReportRow } from './query/report-result';
import { renderSourceStatement } from './query/report-sql';
import { ReportRepository } from './report.repository';

export interface ReportRows {
  rows: ReportRow[];
  /** Over the whole range, per currency when currency is a dimension (money is never summed across currencies). */
  totals: ReportRow[];
}

/** Plans one statement per rollup a query reads, runs them and joins their rows on the dimensions. */
@Injectable()
export class ReportRunner {
  public constructor(
    private readonly repository: ReportRepository,
    private readonly config: AppConfig,
  ) {}

  public async run(query: ReportQuery): Promise<ReportRows> {
    const totalDimensions = query.dimensions.filter((name) => name === 'currency');
    const [rows, totals] = await Promise.all([
      this.rowsBy(query, query.dimensions),
      this.rowsBy(query, totalDimensions),
    ]);
    return { rows, totals };
  }

  private async rowsBy(query: ReportQuery, dimensions: DimensionName[]): Promise<ReportRow[]> {
    const results = await Promise.all(
      sourcesOf(query.measures).map((source) =>
        this.repository.run(renderSourceStatement(source, query, this.groupingOf(source, query, dimensions))),
      ),
    );
    const rates = this.config.gamingTaxRates;
    return assembleRows(dimensions, query.measures, results, (country) => rates.get(country) ?? 0n);
  }

  /** The gaming tax is a rate per player country: gaming rows are split by country when a rate is configured. */
  private groupingOf(source: string, query: ReportQuery, dimensions: DimensionName[]): DimensionName[] {
    const taxed = query.measures.some((name) => (MEASURES[name].bases as readonly string[]).includes('gaming_tax'));
    if (source !== 'gaming' || !taxed || this.config.gamingTaxRates.size === 0 || dimensions.includes('country')) {
      return dimensions;
    }
    return [...dimensions, 'country'];
  }
}
