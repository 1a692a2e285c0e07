/**
 * The dashboard's KPI block, which the report module (ReportingService over ClickHouse, built separately) provides by
 * binding this token. Until one is bound the dashboard says the KPIs are unavailable: it never shows a made-up figure.
 */
export abstract class KpiSource {
  /** Figures as the report module computes them, each with whether it is final or provisional. */
  public abstract dashboardKpis(): Promise<Record<string, unknown>>;
}

export type KpiBlock = { available: false; reason: string } | ({ available: true } & Record<string, unknown>);
