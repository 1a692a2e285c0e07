import type { ProviderPayment, ProviderPayout } from '../psp/payment-provider';
import type { IntentStatus } from './payment-intent.state-machine';
import type { ProviderChange } from './payment-provider-changes';

/** A payout's status as its webhook maps it (stripe-event-mapping); a pending payout is not ended. */
const PAYOUT_TARGETS: Readonly<Record<ProviderPayout['status'], IntentStatus | null>> = {
  pending: null,
  paid: 'succeeded',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * A payment read again at its provider, as its webhook would map it: a final decline fails the intent, with the
 * decline's reason. `readAt` (taken before the call) is the change's time, so a webhook event newer than the read wins
 * over it (the state machine's stale check). The page the payer still has to act on comes along.
 */
export function paymentChange(payment: ProviderPayment, readAt: Date): ProviderChange {
  const declined = payment.status === 'requires_payment_method' ? payment.lastFailure : null;
  return {
    object: 'payment',
    reference: payment.reference,
    amount: payment.amount,
    currency: payment.currency,
    occurredAt: readAt,
    target: declined?.final ? 'failed' : payment.status,
    failure: declined ? { code: declined.code, message: declined.message } : null,
    nextAction: payment.nextAction,
  };
}

/** A payout read again at its provider, as its webhook would map it; null while the provider has not ended it. */
export function payoutChange(payout: ProviderPayout, readAt: Date): ProviderChange | null {
  const target = PAYOUT_TARGETS[payout.status];
  if (!target) return null;
  return {
    object: 'payout',
    reference: payout.reference,
    amount: payout.amount,
    currency: payout.currency,
    occurredAt: readAt,
    target,
    failure: payout.failure,
  };
}
