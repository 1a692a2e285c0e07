import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentSecurityEvents } from '../payment-security-events';
import { RecordMissingBudget } from './record-missing-budget';

/**
 * What a run does with intents its provider has no record of: the expiry cancels open deposits here only;
 * reconciliation's follow reports open intents it leaves as they are.
 */
export type RecordMissingRun = 'expiry' | 'reconciliation_follow';

const HALTED: Record<RecordMissingRun, { counted: string; message: string }> = {
  expiry: {
    counted: 'canceled',
    message:
      'too many open deposits missing at the provider in one run (wrong PSP key or account?); the rest stay open',
  },
  reconciliation_follow: {
    counted: 'reported',
    message:
      'too many open intents missing at the provider in one run (wrong PSP key or account?); the rest are not reported',
  },
};

/**
 * Gives each expiry or reconciliation run its RecordMissingBudget of PAYMENT_PROVIDER_RECORD_MISSING_LIMIT, and
 * raises the alarm when a run exhausts it: an error log, a metric and one `payment.provider_record_missing_halted`
 * security event per provider and run.
 */
@Injectable()
export class PaymentRecordMissingGuard {
  private readonly logger = new Logger(PaymentRecordMissingGuard.name);

  public constructor(
    private readonly config: AppConfig,
    private readonly securityEvents: PaymentSecurityEvents,
    private readonly metrics: PaymentMetrics,
  ) {}

  /** The budget of one run of the deposit expiry (on its own schedule or in a reconciliation sweep) or of the follow. */
  public startRun(during: RecordMissingRun): RecordMissingBudget {
    const limit = this.config.PAYMENT_PROVIDER_RECORD_MISSING_LIMIT;
    return new RecordMissingBudget(limit, (provider, taken) => this.halt(provider, taken, limit, during));
  }

  private async halt(provider: string, taken: number, limit: number, during: RecordMissingRun): Promise<void> {
    const { counted, message } = HALTED[during];
    this.metrics.recordMissingHalts.inc({ provider });
    this.logger.error({ provider, [counted]: taken, limit, during }, message);
    await this.securityEvents.record({
      kind: 'payment.provider_record_missing_halted',
      provider,
      details: { [counted]: taken, limit, during },
    });
  }
}
