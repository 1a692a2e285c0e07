import { DomainError } from '@casino/contracts';
import Stripe from 'stripe';
import type {
  CreateAtProvider,
  NextAction,
  PaymentProvider,
  ProviderEvent,
  ProviderName,
  ProviderPayment,
  ProviderPayout,
} from './payment-provider';
import { mapStripeEvent, paymentFailureOf, payoutFailureOf, statusFromStripe } from './stripe-event-mapping';

export interface StripeApiSettings {
  apiKey: string;
  /** Base URL of the API (`https://api.stripe.com`, or a stand-in / the sandbox PSP). */
  apiUrl: string;
  webhookSecrets: string[];
  toleranceSeconds: number;
}

const LIST_LIMIT = 10_000;

/**
 * How far from our intent's creation its payment's `created` may lie when looked up by metadata: our clock against
 * the provider's, and the SDK's retries of the creation (3 tries, 20 s timeout each). Nothing creates it later: the
 * creation is never retried once its caller returned.
 */
const LOOKUP_BEFORE_SECONDS = 15 * 60;
const LOOKUP_AFTER_SECONDS = 60 * 60;

/** Builds the official SDK client against a base URL. */
export function stripeClient(apiKey: string, apiUrl: string): Stripe {
  const url = new URL(apiUrl);
  return new Stripe(apiKey, {
    host: url.hostname,
    port: url.port || (url.protocol === 'http:' ? 80 : 443),
    protocol: url.protocol === 'http:' ? 'http' : 'https',
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
  });
}

/**
 * Outbound calls through the official `stripe` SDK (Stripe, and the sandbox PSP, which speaks the
 * same API). Subclasses decide how a webhook is verified and what the player's next action is.
 */
export abstract class StripeApiProvider implements PaymentProvider {
  public abstract readonly name: ProviderName;
  protected readonly client: Stripe;

  protected constructor(protected readonly settings: StripeApiSettings) {
    this.client = stripeClient(settings.apiKey, settings.apiUrl);
  }

  public abstract parseWebhook(rawBody: Buffer, signatureHeader: string | undefined, now: Date): ProviderEvent;

  protected abstract nextActionOf(intent: Stripe.PaymentIntent): NextAction | null;

  public async createPayment(input: CreateAtProvider): Promise<ProviderPayment> {
    const intent = await this.call(() =>
      this.client.paymentIntents.create(
        {
          amount: toStripeAmount(input.amount),
          currency: input.currency.toLowerCase(),
          metadata: { intentId: input.intentId },
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return this.toPayment(intent);
  }

  /**
   * Lists the payments created in the window around our intent's creation and keeps those whose metadata names it.
   * The list API rather than Stripe's search (`metadata['intentId']:'…'`): search is eventually consistent (new
   * payments can take a minute or more to appear), so its empty answer would not prove that none exists.
   */
  public async findPaymentsOfIntent(intentId: string, createdAround: Date): Promise<ProviderPayment[]> {
    const at = Math.floor(createdAround.getTime() / 1000);
    const created = { gte: at - LOOKUP_BEFORE_SECONDS, lte: at + LOOKUP_AFTER_SECONDS };
    const intents = await this.call(() =>
      this.client.paymentIntents.list({ created, limit: 100 }).autoPagingToArray({ limit: LIST_LIMIT }),
    );
    if (intents.length >= LIST_LIMIT) {
      throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', 'The payment list around the intent is too long to read', {
        provider: this.name,
        intentId,
      });
    }
    return intents
      .filter((intent) => intent.metadata?.['intentId'] === intentId)
      .map((intent) => this.toPayment(intent));
  }

  public async confirmPayment(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    return this.toPayment(await this.call(() => this.client.paymentIntents.confirm(reference, {}, { idempotencyKey })));
  }

  public async capturePayment(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    return this.toPayment(await this.call(() => this.client.paymentIntents.capture(reference, {}, { idempotencyKey })));
  }

  public async cancelPayment(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    return this.toPayment(await this.call(() => this.client.paymentIntents.cancel(reference, {}, { idempotencyKey })));
  }

  public async retrievePayment(reference: string): Promise<ProviderPayment> {
    return this.toPayment(await this.call(() => this.client.paymentIntents.retrieve(reference)));
  }

  public async refundPayment(
    reference: string,
    amount: bigint,
    idempotencyKey: string,
  ): Promise<{ reference: string; status: string }> {
    const refund = await this.call(() =>
      this.client.refunds.create({ payment_intent: reference, amount: toStripeAmount(amount) }, { idempotencyKey }),
    );
    return { reference: refund.id, status: refund.status ?? 'pending' };
  }

  public async createPayout(input: CreateAtProvider): Promise<ProviderPayout> {
    const payout = await this.call(() =>
      this.client.payouts.create(
        {
          amount: toStripeAmount(input.amount),
          currency: input.currency.toLowerCase(),
          metadata: { intentId: input.intentId },
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return toPayout(payout);
  }

  public async retrievePayout(reference: string): Promise<ProviderPayout> {
    return toPayout(await this.call(() => this.client.payouts.retrieve(reference)));
  }

  public async listPayments(createdSince: Date): Promise<ProviderPayment[]> {
    const gte = Math.floor(createdSince.getTime() / 1000);
    const intents = await this.call(() =>
      this.client.paymentIntents.list({ created: { gte }, limit: 100 }).autoPagingToArray({ limit: LIST_LIMIT }),
    );
    return intents.map((intent) => this.toPayment(intent));
  }

  public async listPayouts(createdSince: Date): Promise<ProviderPayout[]> {
    const gte = Math.floor(createdSince.getTime() / 1000);
    const payouts = await this.call(() =>
      this.client.payouts.list({ created: { gte }, limit: 100 }).autoPagingToArray({ limit: LIST_LIMIT }),
    );
    return payouts.map(toPayout);
  }

  protected parseVerifiedEvent(rawBody: Buffer): ProviderEvent {
    const event = JSON.parse(rawBody.toString('utf8')) as Parameters<typeof mapStripeEvent>[0];
    if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof event.created !== 'number') {
      throw new DomainError('VALIDATION_FAILED', 'The webhook is not an event', { provider: this.name });
    }
    return mapStripeEvent(event);
  }

  private toPayment(intent: Stripe.PaymentIntent): ProviderPayment {
    return {
      reference: intent.id,
      status: statusFromStripe(intent.status),
      amount: BigInt(intent.amount),
      currency: intent.currency.toUpperCase(),
      intentId: intent.metadata?.['intentId'] ?? null,
      nextAction: this.nextActionOf(intent),
      lastFailure: intent.last_payment_error ? paymentFailureOf(intent.last_payment_error) : null,
      createdAt: new Date(intent.created * 1000),
    };
  }

  /**
   * Maps the SDK's errors: no such object (404 `resource_missing`) → RECORD_MISSING; the provider said no → REFUSED;
   * anything else → UNAVAILABLE (outcome unknown).
   */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError) {
        const status = error.statusCode ?? 0;
        const details = { provider: this.name, providerCode: error.code ?? error.type, providerStatus: status };
        if (status === 404 && error.code === 'resource_missing') {
          throw new DomainError('PAYMENT_PROVIDER_RECORD_MISSING', error.message.slice(0, 300), details);
        }
        if (status >= 400 && status < 500 && status !== 429 && status !== 409 && status !== 401 && status !== 403) {
          throw new DomainError('PAYMENT_PROVIDER_REFUSED', error.message.slice(0, 300), details);
        }
        throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', 'The payment provider did not answer', details);
      }
      throw error;
    }
  }
}

function toStripeAmount(amount: bigint): number {
  if (amount <= 0n || amount > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('amount out of range');
  return Number(amount);
}

function toPayout(payout: Stripe.Payout): ProviderPayout {
  const status =
    payout.status === 'paid' || payout.status === 'failed' || payout.status === 'canceled' ? payout.status : 'pending';
  return {
    reference: payout.id,
    status,
    amount: BigInt(payout.amount),
    currency: payout.currency.toUpperCase(),
    intentId: payout.metadata?.['intentId'] ?? null,
    failure: status === 'failed' || status === 'canceled' ? payoutFailureOf(payout, `payout.${status}`) : null,
    createdAt: new Date(payout.created * 1000),
  };
}
