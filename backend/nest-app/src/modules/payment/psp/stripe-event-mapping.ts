import type { IntentStatus } from '../intents/payment-intent.state-machine';
import type { ProviderEvent } from './payment-provider';

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
    const error = object.last_payment_error ?? {};
    const declineCode = typeof error.decline_code === 'string' ? error.decline_code : null;
    const code = declineCode ?? (typeof error.code === 'string' ? error.code : 'payment_failed');
    const message = typeof error.message === 'string' ? error.message.slice(0, 500) : 'The payment failed';
    const final = declineCode !== null && FINAL_DECLINE_CODES.has(declineCode);
    return { ...base, target: final ? 'failed' : 'requires_payment_method', failure: { code, message } };
  }
  if (kind === 'payment') return { ...base, target: PAYMENT_TARGETS[event.type] ?? null };
  if (kind === 'payout') {
    const target = PAYOUT_TARGETS[event.type] ?? null;
    const failure =
      target === 'failed'
        ? {
            code: typeof object.failure_code === 'string' ? object.failure_code : event.type,
            message:
              typeof object.failure_message === 'string' ? object.failure_message.slice(0, 500) : 'The payout failed',
          }
        : null;
    return { ...base, target, failure };
  }
  return base;
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
