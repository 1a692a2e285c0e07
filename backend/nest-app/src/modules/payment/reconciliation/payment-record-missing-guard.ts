import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentSecurityEvents } from '../payment-security-events';
import { RecordMissingBudget } from './record-missing-budget';

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

  /** The budget of one run of the deposit expiry (on its own schedule or in a reconciliation sweep). */
  public startRun(): RecordMissingBudget {
    const limit = this.config.PAYMENT_PROVIDER_RECORD_MISSING_LIMIT;
    return new RecordMissingBudget(limit, (provider, canceled) => this.halt(provider, canceled, limit));
  }

  private async halt(provider: string, canceled: number, limit: number): Promise<void> {
    this.metrics.recordMissingHalts.inc({ provider });
    this.logger.error(
      { provider, canceled, limit },
      'too many open deposits missing at the provider in one run (wrong PSP key or account?); the rest stay open',
    );
    await this.securityEvents.record({
      kind: 'payment.provider_record_missing_halted',
      provider,
      details: { canceled, limit, during: 'expiry' },
    });
  }
}
