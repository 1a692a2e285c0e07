import type Stripe from 'stripe';
import { verifyWebhookSignature } from '../webhooks/webhook-signature';
import type { NextAction, ProviderEvent } from './payment-provider';
import { StripeApiProvider, type StripeApiSettings } from './stripe-api.provider';

/**
 * The sandbox PSP (backend/sandbox-psp): it speaks Stripe's API, so outbound calls go through the
 * same SDK; the player pays on its hosted page; its webhooks are verified by our own implementation
 * of the same signature scheme.
 */
export class SandboxProvider extends StripeApiProvider {
  public readonly name = 'sandbox' as const;

  public constructor(settings: StripeApiSettings) {
    super(settings);
  }

  public parseWebhook(rawBody: Buffer, signatureHeader: string | undefined, now: Date): ProviderEvent {
    verifyWebhookSignature(signatureHeader, rawBody, this.settings.webhookSecrets, now, this.settings.toleranceSeconds);
    return this.parseVerifiedEvent(rawBody);
  }

  protected nextActionOf(intent: Stripe.PaymentIntent): NextAction | null {
    const url = intent.next_action?.redirect_to_url?.url;
    const waiting = intent.status === 'requires_payment_method' || intent.status === 'requires_action';
    return waiting && url ? { type: 'redirect', url } : null;
  }
}
