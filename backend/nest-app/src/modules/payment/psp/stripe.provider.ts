import Stripe from 'stripe';
import { assertFresh, parseSignatureHeader, WebhookSignatureError } from '../webhooks/webhook-signature';
import type { NextAction, ProviderEvent } from './payment-provider';
import { StripeApiProvider, type StripeApiSettings } from './stripe-api.provider';

/**
 * Stripe itself: the SDK's `webhooks.constructEvent` verifies inbound events (HMAC of `t.body`,
 * tolerance) against each configured secret in turn (rotation); a timestamp from the future is
 * refused too, which the SDK alone would let through.
 */
export class StripeProvider extends StripeApiProvider {
  public readonly name = 'stripe' as const;

  public constructor(settings: StripeApiSettings) {
    super(settings);
  }

  public parseWebhook(rawBody: Buffer, signatureHeader: string | undefined, now: Date): ProviderEvent {
    const { timestamp } = parseSignatureHeader(signatureHeader);
    assertFresh(timestamp, now, this.settings.toleranceSeconds);
    const receivedAt = Math.floor(now.getTime() / 1000);
    for (const secret of this.settings.webhookSecrets) {
      try {
        this.client.webhooks.constructEvent(
          rawBody,
          signatureHeader as string,
          secret,
          this.settings.toleranceSeconds,
          undefined,
          receivedAt,
        );
        return this.parseVerifiedEvent(rawBody);
      } catch (error) {
        if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
      }
    }
    throw new WebhookSignatureError('no_matching_signature');
  }

  /** Stripe.js confirms the payment in the player's browser with the client secret. */
  protected nextActionOf(intent: Stripe.PaymentIntent): NextAction | null {
    if (intent.status === 'requires_action' && intent.next_action?.redirect_to_url?.url) {
      return { type: 'redirect', url: intent.next_action.redirect_to_url.url };
    }
    if ((intent.status === 'requires_payment_method' || intent.status === 'requires_action') && intent.client_secret) {
      return { type: 'use_stripe_sdk', clientSecret: intent.client_secret };
    }
    return null;
  }
}
