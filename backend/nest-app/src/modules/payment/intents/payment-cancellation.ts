import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PaymentProviders } from '../psp/payment-providers';
import { PaymentIntentRepository } from './payment-intent.repository';
import type { PaymentIntent, TransitionCause } from './payment-intent.types';
import { PaymentIntentWriter } from './payment-intent.writer';
import { providerKeys } from './payment-payouts';
import { PaymentSettlement } from './payment-settlement';

/**
 * The one cancel path, for the player's cancel and the expiry of abandoned deposits: a deposit is canceled at
 * its provider first (so it can no longer be paid), then here through the state machine under the intent's
 * row lock (a transition row with its cause, the `payment.intent.canceled` event); a withdrawal's hold is then
 * released by the settlement.
 */
@Injectable()
export class PaymentCancellation {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly providers: PaymentProviders,
    private readonly settlement: PaymentSettlement,
  ) {}

  /**
   * Cancels a deposit's payment at its provider (same provider idempotency key on every try; nothing to do
   * without a provider reference). Throws the provider's errors as they are: PAYMENT_PROVIDER_REFUSED when
   * the provider no longer allows it (the payer paid meanwhile).
   */
  public async cancelAtProvider(intent: PaymentIntent): Promise<void> {
    if (intent.kind !== 'deposit' || !intent.providerReference) return;
    await this.providers.get(intent.provider).cancelPayment(intent.providerReference, providerKeys.cancel(intent.id));
  }

  /** The `canceled` transition (an intent canceled already is left as it is), then the money it releases. */
  public async markCanceled(intentId: string, cause: TransitionCause): Promise<PaymentIntent> {
    const canceled = await this.dataSource.transaction(async (manager) => {
      const current = (await this.intents.lockById(manager, intentId)) as PaymentIntent;
      if (current.status === 'canceled') return current;
      return this.writer.transition(manager, current, 'canceled', cause, { nextAction: null });
    });
    await this.settlement.settleQuietly(canceled.id);
    return (await this.intents.findById(canceled.id)) ?? canceled;
  }
}
