import { DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { PaymentCancellation } from '../intents/payment-cancellation';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import { PaymentProviderSync } from '../intents/payment-provider-sync';
import { PaymentJobLock } from './payment-job-lock';
import { PaymentRecordMissingGuard } from './payment-record-missing-guard';
import type { ProviderOutageBreaker } from './provider-outage-breaker';
import { ProviderOutageWatch } from './provider-outage-watch';
import type { RecordMissingBudget } from './record-missing-budget';

export interface DepositExpiryReport {
  /** Intents canceled at their provider and here (or here only, when the provider has no payment for them). */
  canceled: string[];
  /** Intents the provider refused to cancel, moved to the provider's status instead (a payment made meanwhile). */
  followed: string[];
  /** Intents the provider has no payment for, left open: the run had canceled PAYMENT_PROVIDER_RECORD_MISSING_LIMIT. */
  leftOpen: string[];
}

type Outcome = 'canceled' | 'followed' | 'left_open' | 'skipped';

const REPORTED: Record<Exclude<Outcome, 'skipped'>, keyof DepositExpiryReport> = {
  canceled: 'canceled',
  followed: 'followed',
  left_open: 'leftOpen',
};

interface ExpiryRun {
  cutoff: Date;
  ttlSeconds: number;
  budget: RecordMissingBudget;
}

const EXPIRY_BATCH = 200;
const JOB = 'payment-deposit-expiry';

/**
 * Abandoned deposits. An open deposit counts toward the player's deposit limit (it can still take the money,
 * ../shared/reference/responsible-gaming.md, RTS 12), so one left unpaid must not block the player for good: a
 * deposit left in `requires_payment_method` with nothing happening for PAYMENT_DEPOSIT_OPEN_TTL_SECONDS is
 * canceled at its provider, then here (cause `expired`), through PaymentCancellation: one without a provider
 * reference is looked up by our intent id first, and one the provider has no payment for (404, none found) is
 * canceled here only, recorded, up to PAYMENT_PROVIDER_RECORD_MISSING_LIMIT per run (PaymentRecordMissingGuard).
 * When the provider refuses the cancel because the payer paid meanwhile, the intent follows the provider's status
 * instead and a success is credited: a paid deposit is never lost. No database transaction is open during a provider
 * call. Runs on its own schedule and in every reconciliation sweep.
 */
@Injectable()
export class PaymentDepositExpiry {
  private readonly logger = new Logger(PaymentDepositExpiry.name);

  public constructor(
    private readonly intents: PaymentIntentRepository,
    private readonly cancellation: PaymentCancellation,
    private readonly sync: PaymentProviderSync,
    private readonly jobLock: PaymentJobLock,
    private readonly recordMissingGuard: PaymentRecordMissingGuard,
    private readonly outageWatch: ProviderOutageWatch,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Expires the deposits due; one that fails (provider unreachable) is logged and retried by the next run, and once
   * its provider is considered down (`breaker`: the run's, or this run's own) the rest of its deposits stay open for
   * the next run, unasked.
   */
  public async expireAbandoned(breaker?: ProviderOutageBreaker): Promise<DepositExpiryReport> {
    const ttlSeconds = this.config.PAYMENT_DEPOSIT_OPEN_TTL_SECONDS;
    const cutoff = new Date(this.clock.now().getTime() - ttlSeconds * 1000);
    const report: DepositExpiryReport = { canceled: [], followed: [], leftOpen: [] };
    const run = { cutoff, ttlSeconds, budget: this.recordMissingGuard.startRun('expiry') };
    const outages = breaker ?? this.outageWatch.startRun();
    for (const found of await this.intents.findAbandonedDeposits(cutoff, EXPIRY_BATCH)) {
      if (!this.outageWatch.admits(outages, found.provider, 'deposit_expiry')) continue;
      const outcome = await this.expireQuietly(found.id, run);
      if (outcome.asked) this.outageWatch.recordCall(outages, found.provider, outcome.error);
      if (outcome.reported) report[REPORTED[outcome.reported]].push(found.id);
    }
    if (!breaker) this.outageWatch.report(outages);
    if (report.canceled.length + report.followed.length + report.leftOpen.length > 0) {
      this.logger.log(
        { canceled: report.canceled.length, followed: report.followed.length, leftOpen: report.leftOpen.length },
        'abandoned deposits expired',
      );
    }
    return report;
  }

  /** Runs unless another process is running it (PaymentJobLock: no transaction held); null when skipped. */
  public async runExclusive(): Promise<DepositExpiryReport | null> {
    return this.jobLock.runExclusive(JOB, () => this.expireAbandoned());
  }

  /** `asked`: whether the provider was called; `error`: what the attempt threw (logged here, retried next run). */
  private async expireQuietly(
    intentId: string,
    run: ExpiryRun,
  ): Promise<{ asked: boolean; reported?: Exclude<Outcome, 'skipped'>; error?: unknown }> {
    try {
      const outcome = await this.expire(intentId, run);
      return outcome === 'skipped' ? { asked: false } : { asked: true, reported: outcome };
    } catch (error) {
      this.logger.warn({ err: error, intentId }, 'could not expire an abandoned deposit; the next run retries');
      return { asked: true, error };
    }
  }

  private async expire(intentId: string, { cutoff, ttlSeconds, budget }: ExpiryRun): Promise<Outcome> {
    // Read again: the batch goes one provider call at a time, and the payer may have moved on since.
    const intent = await this.intents.findById(intentId);
    if (!intent || intent.status !== 'requires_payment_method' || intent.updatedAt >= cutoff) return 'skipped';
    try {
      const cause = { cause: 'expired', details: { ttlSeconds } };
      return (await this.cancellation.cancel(intent, cause, 'expiry', budget)).outcome;
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'PAYMENT_PROVIDER_REFUSED') throw error;
      return this.followProvider(intentId);
    }
  }

  /** The provider would not cancel: its status is the truth (the webhook saying so may be late or lost). */
  private async followProvider(intentId: string): Promise<Outcome> {
    // Read again: the cancel may have linked the reference it found by our intent id.
    const intent = await this.intents.findById(intentId);
    if (!intent) return 'skipped';
    const followed = (await this.sync.follow(intent, 'expiry'))?.intent;
    return followed && followed.status !== intent.status ? 'followed' : 'skipped';
  }
}
