import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { isProviderUnavailable } from '../intents/payment-provider-sync';
import { PaymentMetrics } from '../payment-metrics';
import { ProviderOutageBreaker } from './provider-outage-breaker';

/** The steps of a run that call a provider, as the skip metric names them. */
export type OutageStep = 'deposit_expiry' | 'creation_recovery' | 'follow' | 'payout_sending' | 'list_comparison';

/**
 * One ProviderOutageBreaker per run (a reconciliation run, a standalone expiry run), shared by every step of it that
 * calls a provider, so that once a provider is considered down the rest of the run skips it; the next run starts
 * afresh. Skips are counted (`payment_reconciliation_outage_skips_total`) and each outage is warned of once per run.
 */
@Injectable()
export class ProviderOutageWatch {
  private readonly logger = new Logger(ProviderOutageWatch.name);

  public constructor(
    private readonly metrics: PaymentMetrics,
    private readonly config: AppConfig,
  ) {}

  public startRun(): ProviderOutageBreaker {
    return new ProviderOutageBreaker(this.config.PAYMENT_PROVIDER_UNREACHABLE_LIMIT);
  }

  /**
   * True when the run still asks `provider`; otherwise counts the skip (`intents`: whether the breaker's own tally,
   * of intents left for the next run, includes it) and answers false.
   */
  public admits(breaker: ProviderOutageBreaker, provider: string, step: OutageStep, intents = true): boolean {
    if (breaker.admits(provider)) return true;
    if (intents) breaker.recordSkipped(provider);
    this.metrics.reconciliationOutageSkips.inc({ provider, step });
    return false;
  }

  /** Records how a call to `provider` ended: thrown PAYMENT_PROVIDER_UNAVAILABLE is unanswered, anything else an answer. */
  public recordCall(breaker: ProviderOutageBreaker, provider: string, error?: unknown): void {
    breaker.recordAnswer(provider, error === undefined || !isProviderUnavailable(error));
  }

  /** One warning per provider the run gave up on. */
  public report(breaker: ProviderOutageBreaker): void {
    for (const { provider, unanswered, skipped } of breaker.outages()) {
      this.logger.warn(
        { provider, unanswered, skipped },
        'a provider did not answer calls in a row: the run stopped following and sending to it, left for the next run',
      );
    }
  }
}
