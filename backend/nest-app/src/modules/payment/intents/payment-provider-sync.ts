import { DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/time/clock';
import { PaymentSecurityEvents } from '../payment-security-events';
import type { ProviderPayment, ProviderPayout } from '../psp/payment-provider';
import { PaymentProviders } from '../psp/payment-providers';
import type { PaymentIntent, TransitionCause } from './payment-intent.types';
import { PaymentProviderChanges } from './payment-provider-changes';
import { paymentChange } from './payment-provider-record-change';

/** Why a deposit is compared with its payment at the provider (recorded in the transition's details). */
export type SyncOccasion = 'creation_recovery' | 'expiry' | 'player_cancel';

/** The deposit's payment as its provider had it, and the intent once that was applied (null: a mismatch). */
export interface FollowedPayment {
  payment: ProviderPayment;
  intent: PaymentIntent | null;
}

/**
 * A deposit against its payment at the provider, in two steps that never overlap: the provider is asked with no
 * database transaction open, then its answer is applied through PaymentProviderChanges, the webhook's own path, in one
 * short transaction under the intent's row lock that re-checks the intent (a webhook or another worker may have moved
 * it since it was read), so an answer applied twice, by two workers or by a worker and a webhook, changes nothing the
 * second time.
 */
@Injectable()
export class PaymentProviderSync {
  private readonly logger = new Logger(PaymentProviderSync.name);

  public constructor(
    private readonly providers: PaymentProviders,
    private readonly changes: PaymentProviderChanges,
    private readonly securityEvents: PaymentSecurityEvents,
    private readonly clock: Clock,
  ) {}

  /**
   * The provider's payment of a deposit: by its reference, or, without one (the answer to its creation was lost), by
   * our intent id in the payment's metadata. Null when the provider has none (404 for the reference, none naming
   * the intent). PAYMENT_PROVIDER_UNAVAILABLE when the provider did not answer: nothing is known then.
   */
  public async locate(intent: PaymentIntent): Promise<ProviderPayment | null> {
    const provider = this.providers.get(intent.provider);
    if (intent.providerReference) {
      try {
        return await provider.retrievePayment(intent.providerReference);
      } catch (error) {
        if (isRecordMissing(error)) return null;
        throw error;
      }
    }
    const found = await provider.findPaymentsOfIntent(intent.id, intent.createdAt);
    if (found.length > 1) {
      await this.alert(intent, 'psp_several_payments', { references: found.map((payment) => payment.reference) });
      throw new Error(`several payments at ${intent.provider} name intent ${intent.id}; left to staff`);
    }
    return found[0] ?? null;
  }

  /** The provider's payout of a withdrawal, by its reference; null when the provider has none (404). */
  public async locatePayout(intent: PaymentIntent, reference: string): Promise<ProviderPayout | null> {
    try {
      return await this.providers.get(intent.provider).retrievePayout(reference);
    } catch (error) {
      if (isRecordMissing(error)) return null;
      throw error;
    }
  }

  /**
   * Reads the deposit's payment at its provider (`locate`) and applies it as its webhook would: its status when the
   * state machine allows the move (a final decline fails the intent with its reason; cause `provider_status`, with the
   * occasion and the provider's status), alerts such as `payment.provider_status_refused`, and the reference and
   * payment page an open intent lacks; then the money a terminal status calls for. Null when the provider has no
   * payment for it; `intent` null, with a `reconciliation.mismatch` event, when the payment is not this intent's.
   */
  public async follow(intent: PaymentIntent, occasion: SyncOccasion): Promise<FollowedPayment | null> {
    // Taken before the call: a webhook event newer than this read wins over it (the state machine's stale check).
    const readAt = this.clock.now();
    const payment = await this.locate(intent);
    if (!payment) return null;
    return { payment, intent: await this.apply(intent, payment, readAt, occasion) };
  }

  private async apply(
    intent: PaymentIntent,
    payment: ProviderPayment,
    readAt: Date,
    occasion: SyncOccasion,
  ): Promise<PaymentIntent | null> {
    const differs = mismatchOf(intent, payment);
    if (differs) {
      await this.alert(intent, 'psp_payment_differs', { during: occasion, ...differs });
      return null;
    }
    const cause: TransitionCause = {
      cause: 'provider_status',
      details: { during: occasion, providerStatus: payment.status },
    };
    const context = { during: occasion, reference: payment.reference };
    const result = await this.changes.applyRead(intent.id, paymentChange(payment, readAt), cause, context);
    if (result.outcome !== 'mismatch') return result.intent;
    await this.alert(result.intent, 'psp_payment_differs', { during: occasion, ...result.mismatch });
    return null;
  }

  private async alert(intent: PaymentIntent, mismatch: string, details: Record<string, unknown>): Promise<void> {
    this.logger.error(
      { intentId: intent.id, mismatch },
      "the provider's payment differs from the intent; left to staff",
    );
    await this.securityEvents.record({
      kind: 'reconciliation.mismatch',
      provider: intent.provider,
      intentId: intent.id,
      details: { mismatch, ...details },
    });
  }
}

export function isRecordMissing(error: unknown): boolean {
  return error instanceof DomainError && error.code === 'PAYMENT_PROVIDER_RECORD_MISSING';
}

/** The provider did not answer (timeout, network error, 5xx, 429…): nothing is known. */
export function isProviderUnavailable(error: unknown): boolean {
  return error instanceof DomainError && error.code === 'PAYMENT_PROVIDER_UNAVAILABLE';
}

function mismatchOf(intent: PaymentIntent, payment: ProviderPayment): Record<string, string> | null {
  if (intent.kind !== 'deposit') return { problem: 'kind', expected: 'deposit', received: intent.kind };
  return recordMismatchOf(intent, payment);
}

/** Why the provider's payment or payout is not this intent's (reference, intent id, amount, currency), or null. */
export function recordMismatchOf(
  intent: PaymentIntent,
  record: ProviderPayment | ProviderPayout,
): Record<string, string> | null {
  if (intent.providerReference && intent.providerReference !== record.reference)
    return { problem: 'reference', expected: intent.providerReference, received: record.reference };
  if (record.intentId !== null && record.intentId !== intent.id)
    return { problem: 'intent', expected: intent.id, received: record.intentId };
  if (record.amount !== intent.amount)
    return { problem: 'amount', expected: intent.amount.toString(), received: record.amount.toString() };
  if (record.currency !== intent.currency)
    return { problem: 'currency', expected: intent.currency, received: record.currency };
  return null;
}
