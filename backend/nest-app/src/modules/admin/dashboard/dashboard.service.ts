import { Inject, Injectable, Optional } from '@nestjs/common';
import { AdjustmentsService } from '../adjustments/adjustments.service';
import { StaffPaymentsRepository } from '../payments/staff-payments.repository';
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
    private readonly payments: StaffPaymentsRepository,
    @Optional() @Inject(KpiSource) private readonly kpiSource?: KpiSource,
  ) {}

  public async dashboard(): Promise<Dashboard> {
    const [adjustments, withdrawals, events, kpis] = await Promise.all([
      this.adjustments.countPending(),
      this.payments.countAwaitingApproval(),
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
}
