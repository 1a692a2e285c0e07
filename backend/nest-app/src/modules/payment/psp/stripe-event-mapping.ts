import type { IntentStatus } from '../intents/payment-intent.state-machine';
import type { PaymentFailure, ProviderEvent, ProviderFailure } from './payment-provider';

/** Decline codes after which retrying the same card is pointless: the intent fails for good. */
export const FINAL_DECLINE_CODES: ReadonlySet<string> = new Set([
  'fraudulent',
  'lost_card',
  'stolen_card',
  'pickup_card',
  'restricted_card',
  'security_violation',
]);

interface StripeObject {
  id?: unknown;
  object?: unknown;
  amount?: unknown;
  currency?: unknown;
  metadata?: unknown;
  last_payment_error?: { code?: unknown; decline_code?: unknown; message?: unknown } | null;
  failure_code?: unknown;
  failure_message?: unknown;
}

export interface StripeStyleEvent {
  id: string;
  type: string;
  created: number;
  data: { object: StripeObject };
}

const PAYMENT_TARGETS: Readonly<Record<string, IntentStatus>> = {
  'payment_intent.requires_action': 'requires_action',
  'payment_intent.processing': 'processing',
  'payment_intent.amount_capturable_updated': 'requires_capture',
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.canceled': 'canceled',
};

const PAYOUT_TARGETS: Readonly<Record<string, IntentStatus>> = {
  'payout.paid': 'succeeded',
  'payout.failed': 'failed',
  'payout.canceled': 'failed',
};

/** Maps a Stripe(-shaped) event to what it means for our intents; unknown types map to no target. */
export function mapStripeEvent(event: StripeStyleEvent): ProviderEvent {
  const object = event.data?.object ?? {};
  const kind = object.object === 'payment_intent' ? 'payment' : object.object === 'payout' ? 'payout' : 'other';
  const metadata =
    typeof object.metadata === 'object' && object.metadata !== null ? (object.metadata as Record<string, unknown>) : {};
  const intentId = typeof metadata['intentId'] === 'string' ? metadata['intentId'] : null;
  const base: ProviderEvent = {
    eventId: event.id,
    type: event.type,
    occurredAt: new Date(event.created * 1000),
    object: kind,
    reference: typeof object.id === 'string' ? object.id : null,
    intentId,
    amount: typeof object.amount === 'number' && Number.isSafeInteger(object.amount) ? BigInt(object.amount) : null,
    currency: typeof object.currency === 'string' ? object.currency.toUpperCase() : null,
    target: null,
    failure: null,
  };
  if (kind === 'payment' && event.type === 'payment_intent.payment_failed') {
    const { final, ...failure } = paymentFailureOf(object.last_payment_error ?? {});
    return { ...base, target: final ? 'failed' : 'requires_payment_method', failure };
  }
  if (kind === 'payment') return { ...base, target: PAYMENT_TARGETS[event.type] ?? null };
  if (kind === 'payout') {
    const target = PAYOUT_TARGETS[event.type] ?? null;
    return { ...base, target, failure: target === 'failed' ? payoutFailureOf(object, event.type) : null };
  }
  return base;
}

/** A payment's last error in our terms; `final` after a decline that retrying the same card cannot fix. */
export function paymentFailureOf(error: NonNullable<StripeObject['last_payment_error']>): PaymentFailure {
  const declineCode = typeof error.decline_code === 'string' ? error.decline_code : null;
  const code = declineCode ?? (typeof error.code === 'string' ? error.code : 'payment_failed');
  const message = typeof error.message === 'string' ? error.message.slice(0, 500) : 'The payment failed';
  return { code, message, final: declineCode !== null && FINAL_DECLINE_CODES.has(declineCode) };
}

/** Why a payout failed or was canceled; `fallbackCode` when the provider gives no code. */
export function payoutFailureOf(
  payout: Pick<StripeObject, 'failure_code' | 'failure_message'>,
  fallbackCode: string,
): ProviderFailure {
  return {
    code: typeof payout.failure_code === 'string' ? payout.failure_code : fallbackCode,
    message: typeof payout.failure_message === 'string' ? payout.failure_message.slice(0, 500) : 'The payout failed',
  };
}

/** Stripe's PaymentIntent status in ours: `requires_confirmation` is still waiting for the payer. */
export function statusFromStripe(status: string): IntentStatus {
  switch (status) {
    case 'requires_action':
    case 'processing':
    case 'requires_capture':
    case 'succeeded':
    case 'canceled':
      return status;
    default:
      return 'requires_payment_method';
  }
}
