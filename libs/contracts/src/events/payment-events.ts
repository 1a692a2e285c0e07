import type { DomainEventEnvelope } from './envelope';

/** Every payment intent event; published on the `payment` stream, aggregate = the intent id. */
export const PAYMENT_INTENT_CREATED = 'payment.intent.created';
/** Any non-terminal change of status (requires_action, processing, requires_capture...). */
export const PAYMENT_INTENT_STATUS_CHANGED = 'payment.intent.status_changed';
export const PAYMENT_INTENT_SUCCEEDED = 'payment.intent.succeeded';
export const PAYMENT_INTENT_FAILED = 'payment.intent.failed';
export const PAYMENT_INTENT_CANCELED = 'payment.intent.canceled';

export const PAYMENT_INTENT_EVENT_TYPES = [
  PAYMENT_INTENT_CREATED,
  PAYMENT_INTENT_STATUS_CHANGED,
  PAYMENT_INTENT_SUCCEEDED,
  PAYMENT_INTENT_FAILED,
  PAYMENT_INTENT_CANCELED,
] as const;
export type PaymentIntentEventType = (typeof PAYMENT_INTENT_EVENT_TYPES)[number];

/** Stripe's PaymentIntent statuses plus `failed` for a final decline. */
export const PAYMENT_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_action',
  'processing',
  'requires_capture',
  'succeeded',
  'canceled',
  'failed',
] as const;
export type PaymentIntentStatus = (typeof PAYMENT_INTENT_STATUSES)[number];

export type PaymentIntentKind = 'deposit' | 'withdrawal';

/** How the payer pays or is paid (the player's choice on the payment page); reports split deposits and withdrawals by it. */
export const PAYMENT_METHODS = ['card', 'bank_transfer', 'e_wallet'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Amounts are integer minor units as decimal strings. */
export interface PaymentIntentEventV1 {
  intentId: string;
  userId: string;
  kind: PaymentIntentKind;
  provider: string;
  /** Absent for intents created before the method was recorded. */
  method?: PaymentMethod;
  amount: string;
  currency: string;
  status: PaymentIntentStatus;
  /** Absent on `payment.intent.created`. */
  previousStatus?: PaymentIntentStatus;
  /** What caused the change: `created`, `webhook:<provider event type>`, `player_cancel`, `staff_approval`... */
  cause: string;
  /** The provider's id of the payment or payout, once known. */
  providerReference?: string;
  /** The provider event that caused the change, when one did. */
  providerEventId?: string;
  /**
   * The payment instrument's stable fingerprint at the provider (e.g. a card's), when the provider gives one: one
   * welcome bonus per instrument (docs/bonuses.md "Abuse limits"). No provider integration sets it yet.
   */
  instrumentFingerprint?: string;
  /** The player's device fingerprint when the deposit was made, when known (none is collected yet). */
  deviceFingerprint?: string;
}

export type PaymentIntentEvent = DomainEventEnvelope<PaymentIntentEventType, PaymentIntentEventV1>;
