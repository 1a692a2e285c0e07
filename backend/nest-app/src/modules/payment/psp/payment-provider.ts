import type { IntentStatus } from '../intents/payment-intent.state-machine';

export const PROVIDER_NAMES = ['stripe', 'sandbox'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** What the player's client does next. */
export type NextAction =
  { type: 'redirect'; url: string } | { type: 'use_stripe_sdk'; clientSecret: string } | { type: 'staff_approval' };

/** Why the provider says a payment attempt or a payout failed. */
export interface ProviderFailure {
  code: string;
  message: string;
}

/** A payment's last failed attempt; `final` after a decline that retrying the same card cannot fix. */
export interface PaymentFailure extends ProviderFailure {
  final: boolean;
}

export interface ProviderPayment {
  /** The provider's id (`pi_…`). */
  reference: string;
  status: IntentStatus;
  amount: bigint;
  currency: string;
  /** Our intent id, from the payment's metadata. */
  intentId: string | null;
  nextAction: NextAction | null;
  /** The last attempt's failure (Stripe's `last_payment_error`), if any. */
  lastFailure: PaymentFailure | null;
  createdAt: Date;
}

export interface ProviderPayout {
  reference: string;
  status: 'pending' | 'paid' | 'failed' | 'canceled';
  amount: bigint;
  currency: string;
  intentId: string | null;
  /** Why it failed or was canceled; null otherwise. */
  failure: ProviderFailure | null;
  createdAt: Date;
}

/** A verified provider event, in our terms. */
export interface ProviderEvent {
  eventId: string;
  /** The provider's event type (`payment_intent.succeeded`, `payout.failed`). */
  type: string;
  occurredAt: Date;
  object: 'payment' | 'payout' | 'other';
  reference: string | null;
  intentId: string | null;
  amount: bigint | null;
  currency: string | null;
  /** The status the event moves the intent to; null for events we do not act on. */
  target: IntentStatus | null;
  failure: ProviderFailure | null;
}

export interface CreateAtProvider {
  intentId: string;
  amount: bigint;
  currency: string;
  /** Sent as the provider's Idempotency-Key: a retry never creates a second payment or payout. */
  idempotencyKey: string;
}

/**
 * One interface over every PSP. Calls throw DomainError PAYMENT_PROVIDER_REFUSED when the provider
 * answered no (definitive), PAYMENT_PROVIDER_RECORD_MISSING when it has no object with the reference given
 * (Stripe's 404 `resource_missing`) and PAYMENT_PROVIDER_UNAVAILABLE when the outcome is unknown (timeout,
 * network error, 5xx, 409, 429): the caller must not assume either way, and retries or looks the object up.
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  /** Only a PAYMENT_PROVIDER_REFUSED says no payment was created; after any other error one may exist. */
  createPayment(input: CreateAtProvider): Promise<ProviderPayment>;
  /**
   * The payments whose metadata names our intent, created around `createdAround` (our intent's creation): how a
   * payment is found when the answer to its creation was lost. Read-only and complete (a list the provider could
   * not give whole throws PAYMENT_PROVIDER_UNAVAILABLE), so an empty answer means the provider has none.
   */
  findPaymentsOfIntent(intentId: string, createdAround: Date): Promise<ProviderPayment[]>;
  confirmPayment(reference: string, idempotencyKey: string): Promise<ProviderPayment>;
  capturePayment(reference: string, idempotencyKey: string): Promise<ProviderPayment>;
  cancelPayment(reference: string, idempotencyKey: string): Promise<ProviderPayment>;
  /** The payment as the provider has it now (what a refused cancel leaves us to follow). */
  retrievePayment(reference: string): Promise<ProviderPayment>;
  refundPayment(
    reference: string,
    amount: bigint,
    idempotencyKey: string,
  ): Promise<{ reference: string; status: string }>;
  createPayout(input: CreateAtProvider): Promise<ProviderPayout>;
  /** The payout as the provider has it now (what staff check before closing a withdrawal). */
  retrievePayout(reference: string): Promise<ProviderPayout>;
  /** Verifies the signature over the raw body (throws WebhookSignatureError), then parses. */
  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined, now: Date): ProviderEvent;
  /** The provider's own record, for reconciliation. */
  listPayments(createdSince: Date): Promise<ProviderPayment[]>;
  listPayouts(createdSince: Date): Promise<ProviderPayout[]>;
}
