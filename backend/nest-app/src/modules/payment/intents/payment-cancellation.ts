import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PaymentSecurityEvents } from '../payment-security-events';
import { PaymentProviders } from '../psp/payment-providers';
import type { RecordMissingBudget } from '../reconciliation/record-missing-budget';
import { PaymentIntentRepository } from './payment-intent.repository';
import type { PaymentIntent, TransitionCause } from './payment-intent.types';
import { PaymentIntentWriter } from './payment-intent.writer';
import { providerKeys } from './payment-payouts';
import { isRecordMissing, PaymentProviderSync } from './payment-provider-sync';
import { PaymentSettlement } from './payment-settlement';

export interface CancelOutcome {
  intent: PaymentIntent;
  /**
   * `canceled` here (and at the provider); `followed`: the provider's payment had moved on, and so did the intent;
   * `left_open`: the provider has no payment for it and the run's RecordMissingBudget is spent, so nothing changed.
   */
  outcome: 'canceled' | 'followed' | 'left_open';
}

/**
 * The one cancel path, for the player's cancel and the expiry of abandoned deposits. A deposit is canceled at its
 * provider first, so it can no longer be paid, with no database transaction open during the call; then here, in a
 * short transaction under the intent's row lock (a transition row with its cause, the `payment.intent.canceled`
 * event). A deposit without a provider reference (the answer to its creation was lost) is looked up by our intent id
 * first. When the provider has no payment at all (404 for the reference we hold, or none naming the intent), nothing
 * can take the money: the intent is canceled here only, recorded in the transition and as a
 * `payment.provider_record_missing` security event, unless the caller's `budget` (one per expiry run) refuses it:
 * then the intent is left as it is. A withdrawal's hold is released by the settlement afterwards.
 */
@Injectable()
export class PaymentCancellation {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly providers: PaymentProviders,
    private readonly sync: PaymentProviderSync,
    private readonly settlement: PaymentSettlement,
    private readonly securityEvents: PaymentSecurityEvents,
  ) {}

  /**
   * Throws the provider's errors as they are: PAYMENT_PROVIDER_REFUSED when it no longer allows the cancel (the
   * payer paid meanwhile: the caller follows the provider's status), PAYMENT_PROVIDER_UNAVAILABLE when it did not
   * answer (nothing changed here; retry).
   */
  public async cancel(
    intent: PaymentIntent,
    cause: TransitionCause,
    occasion: 'expiry' | 'player_cancel',
    budget?: RecordMissingBudget,
  ): Promise<CancelOutcome> {
    if (intent.kind !== 'deposit')
      return { intent: (await this.markCanceled(intent.id, cause)).intent, outcome: 'canceled' };
    let reference = intent.providerReference;
    if (!reference) {
      const found = await this.sync.follow(intent, occasion);
      if (found) {
        if (!found.intent) throw mismatch(intent.id);
        if (found.intent.status !== intent.status) return { intent: found.intent, outcome: 'followed' };
        reference = found.payment.reference;
      }
    }
    const missing = reference === null || !(await this.cancelAtProvider(intent, reference));
    if (!missing) return { intent: (await this.markCanceled(intent.id, cause)).intent, outcome: 'canceled' };
    if (budget && !(await budget.take(intent.provider))) return { intent, outcome: 'left_open' };
    const details = { ...cause.details, providerRecord: 'missing', reference };
    const canceled = await this.markCanceled(intent.id, { ...cause, details }, { missingReference: reference });
    if (canceled.changed) {
      await this.securityEvents.record({
        kind: 'payment.provider_record_missing',
        provider: intent.provider,
        intentId: intent.id,
        details: { reference, during: occasion, amount: intent.amount.toString(), currency: intent.currency },
      });
    }
    return { intent: canceled.intent, outcome: 'canceled' };
  }

  /** True once canceled at the provider; false when the provider has no payment with this reference. */
  private async cancelAtProvider(intent: PaymentIntent, reference: string): Promise<boolean> {
    try {
      await this.providers.get(intent.provider).cancelPayment(reference, providerKeys.cancel(intent.id));
      return true;
    } catch (error) {
      if (isRecordMissing(error)) return false;
      throw error;
    }
  }

  /**
   * The `canceled` transition (an intent canceled already is left as it is), then the money it releases. With
   * `missingReference` (the provider has no payment), only while the intent still holds that reference: one a webhook
   * linked meanwhile names a payment that exists.
   */
  private async markCanceled(
    intentId: string,
    cause: TransitionCause,
    expected?: { missingReference: string | null },
  ): Promise<{ intent: PaymentIntent; changed: boolean }> {
    const result = await this.dataSource.transaction(async (manager) => {
      const current = (await this.intents.lockById(manager, intentId)) as PaymentIntent;
      if (current.status === 'canceled') return { intent: current, changed: false };
      if (expected && current.providerReference !== expected.missingReference) throw changedMeanwhile(intentId);
      return {
        intent: await this.writer.transition(manager, current, 'canceled', cause, { nextAction: null }),
        changed: true,
      };
    });
    await this.settlement.settleQuietly(intentId);
    return { intent: (await this.intents.findById(intentId)) ?? result.intent, changed: result.changed };
  }
}

function mismatch(intentId: string): DomainError {
  return new DomainError('PAYMENT_TRANSITION_NOT_ALLOWED', "The provider's payment does not match this one", {
    intentId,
  });
}

function changedMeanwhile(intentId: string): DomainError {
  return new DomainError('PAYMENT_TRANSITION_NOT_ALLOWED', 'The payment changed at the provider meanwhile; retry', {
    intentId,
  });
}
