import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/time/clock';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import type { PaymentIntent, TransitionCause } from '../intents/payment-intent.types';
import { PaymentProviderChanges, type ProviderChange } from '../intents/payment-provider-changes';
import { paymentChange, payoutChange } from '../intents/payment-provider-record-change';
import { isProviderUnavailable, PaymentProviderSync, recordMismatchOf } from '../intents/payment-provider-sync';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentSecurityEvents } from '../payment-security-events';
import type { ProviderPayment, ProviderPayout } from '../psp/payment-provider';
import { PaymentRecordMissingGuard } from './payment-record-missing-guard';
import type { ProviderOutageBreaker } from './provider-outage-breaker';
import { ProviderOutageWatch } from './provider-outage-watch';
import type { RecordMissingBudget } from './record-missing-budget';
import type { Mismatch } from './reconciliation-rules';

/**
 * What following one intent did: `applied` (it moved), `unchanged` (the provider has not ended it, or the state
 * machine refused the move), `mismatch` (the record is not this intent's), `record_missing` (404), `unreachable` (the
 * provider did not answer), `skipped_outage` (not asked: its provider stopped answering earlier in the run) or
 * `failed` (an error here, or an answer we could not use). All but `applied` leave the intent to the next run.
 */
export type FollowOutcome =
  'applied' | 'unchanged' | 'mismatch' | 'record_missing' | 'unreachable' | 'skipped_outage' | 'failed';

export interface FollowedIntent {
  intentId: string;
  outcome: FollowOutcome;
}

export interface FollowReport {
  followed: FollowedIntent[];
  /** Records that name another intent, amount or currency: reported by the run, never applied. */
  mismatches: Mismatch[];
}

/** The provider's record of an intent, and the change it makes as its webhook would (null: not ended there). */
interface ProviderRecord {
  record: ProviderPayment | ProviderPayout;
  change: ProviderChange | null;
}

/** What one run carries from intent to intent. */
interface FollowRun {
  mismatches: Mismatch[];
  breaker: ProviderOutageBreaker;
  recordMissing: RecordMissingBudget;
}

/** The occasion recorded in the transition's details (cause `provider_status`) and in the alerts. */
const OCCASION = 'reconciliation_follow';

/**
 * Webhooks get lost, so reconciliation polls: an open deposit the provider knows, or a withdrawal whose payout was
 * sent, left untouched past the run's grace, is read again at its provider (no database transaction open during the
 * call) and the record is applied through PaymentProviderChanges, exactly as its webhook would be: state machine,
 * transition, alerts (`payment.provider_status_refused`…), then the single credit or the hold's capture or release.
 * The webhook arriving before, during or after changes nothing more (row lock, state machine, wallet keys). A
 * provider that does not answer leaves the intent to the next run, and after PAYMENT_PROVIDER_UNREACHABLE_LIMIT such
 * reads in a row the run stops asking it; a record that is not the intent's is not applied; an intent the provider
 * has no record of is left as it is and reported once (`payment.provider_record_missing`).
 */
@Injectable()
export class PaymentOpenIntentFollow {
  private readonly logger = new Logger(PaymentOpenIntentFollow.name);

  public constructor(
    private readonly intents: PaymentIntentRepository,
    private readonly sync: PaymentProviderSync,
    private readonly changes: PaymentProviderChanges,
    private readonly recordMissingGuard: PaymentRecordMissingGuard,
    private readonly securityEvents: PaymentSecurityEvents,
    private readonly metrics: PaymentMetrics,
    private readonly outageWatch: ProviderOutageWatch,
    private readonly clock: Clock,
  ) {}

  /**
   * Follows up to `limit` intents untouched since `olderThan`, those whose provider was asked least recently first.
   * `breaker`: the run's, shared with its other steps (which then warn of its outages); without one, its own.
   */
  public async followAwaiting(olderThan: Date, limit: number, breaker?: ProviderOutageBreaker): Promise<FollowReport> {
    const report: FollowReport = { followed: [], mismatches: [] };
    const run: FollowRun = {
      mismatches: report.mismatches,
      breaker: breaker ?? this.outageWatch.startRun(),
      recordMissing: this.recordMissingGuard.startRun(OCCASION),
    };
    for (const intent of await this.intents.findAwaitingProvider(olderThan, limit)) {
      const outcome = await this.followUnlessDown(intent, run);
      this.metrics.reconciliationFollows.inc({ provider: intent.provider, kind: intent.kind, outcome });
      report.followed.push({ intentId: intent.id, outcome });
    }
    if (!breaker) this.outageWatch.report(run.breaker);
    const applied = report.followed.filter((followed) => followed.outcome === 'applied').length;
    if (report.followed.length > 0)
      this.logger.log({ followed: report.followed.length, applied }, 'open payment intents followed at their provider');
    return report;
  }

  private async followUnlessDown(intent: PaymentIntent, run: FollowRun): Promise<FollowOutcome> {
    if (!run.breaker.admits(intent.provider)) {
      run.breaker.recordSkipped(intent.provider);
      return 'skipped_outage';
    }
    const outcome = await this.follow(intent, run).catch((error: unknown) => {
      this.logger.error({ err: error, intentId: intent.id }, 'could not follow an open intent; the next run retries');
      return 'failed' as const;
    });
    run.breaker.recordAnswer(intent.provider, outcome !== 'unreachable');
    return outcome;
  }

  private async follow(intent: PaymentIntent, run: FollowRun): Promise<FollowOutcome> {
    // Taken before the call: a webhook event newer than this read wins over it (the state machine's stale check).
    const readAt = this.clock.now();
    await this.intents.markProviderChecked(intent.id, readAt);
    let found: ProviderRecord | null;
    try {
      found = await this.read(intent, readAt);
    } catch (error) {
      if (!isProviderUnavailable(error)) throw error;
      this.logger.warn({ err: error, intentId: intent.id }, 'could not read an open intent at its provider');
      return 'unreachable';
    }
    if (!found) {
      this.logger.warn({ intentId: intent.id }, 'the provider has no record of an open intent');
      await this.reportMissing(intent, run.recordMissing);
      return 'record_missing';
    }
    const differs = recordMismatchOf(intent, found.record);
    if (differs) {
      run.mismatches.push(recordDiffers(intent, differs));
      return 'mismatch';
    }
    if (!found.change) return 'unchanged';
    return this.apply(intent, found.change, found.record.status, run.mismatches);
  }

  /**
   * Nothing here cancels an intent its provider has no record of, but staff must know: once per intent, a
   * `payment.provider_record_missing` event, at most PAYMENT_PROVIDER_RECORD_MISSING_LIMIT per provider and run (past
   * it, one `payment.provider_record_missing_halted`: a wrong key or account looks like this). A deposit still
   * waiting for its payer is the expiry's, which cancels it here only and records that event itself.
   */
  private async reportMissing(intent: PaymentIntent, budget: RecordMissingBudget): Promise<void> {
    if (intent.kind === 'deposit' && intent.status === 'requires_payment_method') return;
    if (await this.securityEvents.wasRecordedFor('payment.provider_record_missing', intent.id)) return;
    if (!(await budget.take(intent.provider))) return;
    await this.securityEvents.record({
      kind: 'payment.provider_record_missing',
      provider: intent.provider,
      intentId: intent.id,
      details: {
        reference: intent.providerReference,
        during: OCCASION,
        kind: intent.kind,
        status: intent.status,
        amount: intent.amount.toString(),
        currency: intent.currency,
      },
    });
  }

  /** The deposit's payment or the withdrawal's payout, by the reference the intent holds; null on a 404. */
  private async read(intent: PaymentIntent, readAt: Date): Promise<ProviderRecord | null> {
    if (intent.kind === 'deposit') {
      const payment = await this.sync.locate(intent);
      return payment && { record: payment, change: paymentChange(payment, readAt) };
    }
    // findAwaitingProvider selects intents with a reference only.
    const payout = await this.sync.locatePayout(intent, intent.providerReference as string);
    return payout && { record: payout, change: payoutChange(payout, readAt) };
  }

  private async apply(
    intent: PaymentIntent,
    change: ProviderChange,
    providerStatus: string,
    mismatches: Mismatch[],
  ): Promise<FollowOutcome> {
    const cause: TransitionCause = { cause: 'provider_status', details: { during: OCCASION, providerStatus } };
    const context = { during: OCCASION, reference: change.reference };
    const result = await this.changes.applyRead(intent.id, change, cause, context);
    if (result.outcome === 'mismatch') {
      mismatches.push(recordDiffers(intent, result.mismatch));
      return 'mismatch';
    }
    return result.outcome === 'applied' ? 'applied' : 'unchanged';
  }
}

function recordDiffers(intent: PaymentIntent, differs: Record<string, string>): Mismatch {
  return {
    kind: 'psp_record_differs',
    provider: intent.provider,
    intentId: intent.id,
    details: { kind: intent.kind, during: OCCASION, ...differs },
  };
}
