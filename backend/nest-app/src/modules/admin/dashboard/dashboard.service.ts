import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdjustmentsService } from '../adjustments/adjustments.service';
import { SecurityFeedRepository, type SecurityFeedRow } from '../security/security-feed.repository';
import { KpiSource, type KpiBlock } from './kpi-source.port';

const LATEST_SECURITY_EVENTS = 10;

export interface Dashboard {
  pendingApprovals: { adjustments: number; withdrawals: number };
  latestSecurityEvents: Omit<SecurityFeedRow, 'cursorAt' | 'rowId'>[];
  kpis: KpiBlock;
}

/** `GET /admin/dashboard`: what waits for staff, the latest security events, and the report module's KPIs. */
@Injectable()
export class DashboardService {
  public constructor(
    private readonly adjustments: AdjustmentsService,
    private readonly securityFeed: SecurityFeedRepository,
    private readonly dataSource: DataSource,
    @Optional() @Inject(KpiSource) private readonly kpiSource?: KpiSource,
  ) {}

  public async dashboard(): Promise<Dashboard> {
    const [adjustments, withdrawals, events, kpis] = await Promise.all([
      this.adjustments.countPending(),
      this.pendingWithdrawals(),
      this.securityFeed.list({ after: null, limit: LATEST_SECURITY_EVENTS }),
      this.kpis(),
    ]);
    return {
      pendingApprovals: { adjustments, withdrawals },
      latestSecurityEvents: events
        .slice(0, LATEST_SECURITY_EVENTS)
        .map(({ cursorAt: _at, rowId: _row, ...event }) => event),
      kpis,
    };
  }

  private async kpis(): Promise<KpiBlock> {
    if (!this.kpiSource) return { available: false, reason: 'No report module is bound to the KPI port yet' };
    return { available: true, ...(await this.kpiSource.dashboardKpis()) };
  }

  /** Withdrawals that wait for a finance decision (the payment module's approval queue). */
  private async pendingWithdrawals(): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM payment_intents
        WHERE kind = 'withdrawal' AND approval_required AND status = 'requires_action'`,
    )) as { count: number }[];
    return rows[0]?.count ?? 0;
  }
}
