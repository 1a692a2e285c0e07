import { buildEvent, type DeliveryOptions, type StripeStyleEvent, type WebhookSender } from './webhook-sender';
import { newId, type SandboxPaymentIntent, type SandboxPayout, type SandboxStore } from './sandbox-store';

/** Decline codes the hosted page can produce; `stolen_card` is a hard decline (do not retry). */
export const SOFT_DECLINE = {
  code: 'card_declined',
  decline_code: 'generic_decline',
  message: 'Your card was declined.',
};
export const HARD_DECLINE = { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.' };
export const FAILED_3DS = {
  code: 'payment_intent_authentication_failure',
  message: 'The provided payment method has failed authentication.',
};

export class SandboxError extends Error {
  public constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    /** Stripe's error type: `invalid_request_error` for 4xx, `api_error` for a failure on the PSP's side. */
    public readonly type: 'invalid_request_error' | 'api_error' = 'invalid_request_error',
  ) {
    super(message);
  }
}

const now = (): number => Math.floor(Date.now() / 1000);

/** The sandbox's payment logic: status changes of intents and payouts, and the webhooks they send. */
export class SandboxPayments {
  public constructor(
    private readonly store: SandboxStore,
    private readonly webhooks: WebhookSender,
    private readonly publicUrl: string,
    /** Settle new payouts by themselves after this many milliseconds; null: only settlePayout does. */
    private readonly autoPayoutDelayMs: number | null,
  ) {}

  public createIntent(input: {
    amount: number;
    currency: string;
    metadata: Record<string, string>;
    captureMethod: 'automatic' | 'manual';
    returnUrl: string | null;
  }): SandboxPaymentIntent {
    const id = newId('pi');
    const intent: SandboxPaymentIntent = {
      id,
      object: 'payment_intent',
      amount: input.amount,
      currency: input.currency,
      status: 'requires_payment_method',
      capture_method: input.captureMethod,
      metadata: input.metadata,
      created: now(),
      client_secret: `${id}_secret_${newId('cs').slice(3)}`,
      livemode: false,
      last_payment_error: null,
      next_action: {
        type: 'redirect_to_url',
        redirect_to_url: { url: `${this.publicUrl}/pay/${id}`, return_url: input.returnUrl },
      },
      canceled_at: null,
    };
    this.store.intents.set(id, intent);
    return intent;
  }

  public intent(id: string): SandboxPaymentIntent {
    const intent = this.store.intents.get(id);
    if (!intent) throw new SandboxError(404, 'resource_missing', `No such payment_intent: '${id}'`);
    return intent;
  }

  /** The payer approved on the hosted page (after 3-D Secure, when there was a challenge). */
  public approve(id: string, options: DeliveryOptions): SandboxPaymentIntent {
    const intent = this.payable(id);
    const events = [this.change(intent, 'processing', 'payment_intent.processing')];
    if (intent.capture_method === 'manual') {
      events.push(this.change(intent, 'requires_capture', 'payment_intent.amount_capturable_updated'));
    } else {
      events.push(this.change(intent, 'succeeded', 'payment_intent.succeeded'));
    }
    this.webhooks.send(events, options);
    return intent;
  }

  public decline(id: string, hard: boolean, options: DeliveryOptions): SandboxPaymentIntent {
    const intent = this.payable(id);
    intent.last_payment_error = hard ? HARD_DECLINE : SOFT_DECLINE;
    this.webhooks.send([this.change(intent, 'requires_payment_method', 'payment_intent.payment_failed')], options);
    return intent;
  }

  /** The card asks for 3-D Secure: the intent waits for the payer's action. */
  public challenge(id: string, options: DeliveryOptions): SandboxPaymentIntent {
    const intent = this.payable(id);
    this.webhooks.send([this.change(intent, 'requires_action', 'payment_intent.requires_action')], options);
    return intent;
  }

  public completeChallenge(id: string, passed: boolean, options: DeliveryOptions): SandboxPaymentIntent {
    const intent = this.intent(id);
    if (intent.status !== 'requires_action')
      throw new SandboxError(400, 'payment_intent_unexpected_state', 'No challenge pending');
    if (passed) return this.approve(id, options);
    intent.last_payment_error = FAILED_3DS;
    this.webhooks.send([this.change(intent, 'requires_payment_method', 'payment_intent.payment_failed')], options);
    return intent;
  }

  public capture(id: string): SandboxPaymentIntent {
    const intent = this.intent(id);
    if (intent.status !== 'requires_capture') throw unexpectedState(intent);
    this.webhooks.send([this.change(intent, 'succeeded', 'payment_intent.succeeded')]);
    return intent;
  }

  public cancel(id: string): SandboxPaymentIntent {
    const intent = this.intent(id);
    if (!['requires_payment_method', 'requires_action', 'requires_capture'].includes(intent.status)) {
      throw unexpectedState(intent);
    }
    intent.canceled_at = now();
    this.webhooks.send([this.change(intent, 'canceled', 'payment_intent.canceled')]);
    return intent;
  }

  public createPayout(input: { amount: number; currency: string; metadata: Record<string, string> }): SandboxPayout {
    const created = now();
    const payout: SandboxPayout = {
      id: newId('po'),
      object: 'payout',
      amount: input.amount,
      currency: input.currency,
      status: 'pending',
      metadata: input.metadata,
      created,
      arrival_date: created + 86400,
      failure_code: null,
      failure_message: null,
      livemode: false,
    };
    this.store.payouts.set(payout.id, payout);
    if (this.autoPayoutDelayMs !== null) {
      // Amounts ending in 13 fail, like the test card numbers of real PSPs.
      const outcome = payout.amount % 100 === 13 ? 'failed' : 'paid';
      setTimeout(
        () => payout.status === 'pending' && this.settlePayout(payout.id, outcome),
        this.autoPayoutDelayMs,
      ).unref();
    }
    return payout;
  }

  public payout(id: string): SandboxPayout {
    const payout = this.store.payouts.get(id);
    if (!payout) throw new SandboxError(404, 'resource_missing', `No such payout: '${id}'`);
    return payout;
  }

  public settlePayout(id: string, outcome: 'paid' | 'failed'): SandboxPayout {
    const payout = this.payout(id);
    if (payout.status !== 'pending' && payout.status !== 'in_transit') {
      throw new SandboxError(400, 'payout_unexpected_state', `The payout is ${payout.status}`);
    }
    payout.status = outcome;
    if (outcome === 'failed') {
      payout.failure_code = 'account_closed';
      payout.failure_message = 'The bank account has been closed.';
    }
    this.webhooks.send([buildEvent(`payout.${outcome}`, payout, now())]);
    return payout;
  }

  private payable(id: string): SandboxPaymentIntent {
    const intent = this.intent(id);
    if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_action')
      throw unexpectedState(intent);
    return intent;
  }

  private change(intent: SandboxPaymentIntent, status: SandboxPaymentIntent['status'], type: string): StripeStyleEvent {
    intent.status = status;
    if (status !== 'requires_payment_method')
      intent.last_payment_error = status === 'requires_action' ? null : intent.last_payment_error;
    return buildEvent(type, intent, now());
  }
}

function unexpectedState(intent: SandboxPaymentIntent): SandboxError {
  return new SandboxError(
    400,
    'payment_intent_unexpected_state',
    `This PaymentIntent's status is ${intent.status}, which does not allow this action.`,
  );
}
