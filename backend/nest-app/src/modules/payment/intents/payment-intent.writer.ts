import {
  EVENT_STREAMS,
  PAYMENT_INTENT_CANCELED,
  PAYMENT_INTENT_CREATED,
  PAYMENT_INTENT_FAILED,
  PAYMENT_INTENT_STATUS_CHANGED,
  PAYMENT_INTENT_SUCCEEDED,
  type PaymentIntentEventType,
  type PaymentIntentEventV1,
} from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { countIntentStatus } from './payment-intent-metrics';
import { PaymentIntentRepository } from './payment-intent.repository';
import { assertStaffResolution, assertTransition, type IntentStatus } from './payment-intent.state-machine';
import type { IntentPatch, PaymentIntent, TransitionCause } from './payment-intent.types';

const EVENT_OF_STATUS: Partial<Record<IntentStatus, PaymentIntentEventType>> = {
  succeeded: PAYMENT_INTENT_SUCCEEDED,
  failed: PAYMENT_INTENT_FAILED,
  canceled: PAYMENT_INTENT_CANCELED,
};

/**
 * The only way an intent is created or changes status: checks the state machine, stores the
 * transition with its cause and appends the `payment.intent.*` event, all in the caller's transaction.
 */
@Injectable()
export class PaymentIntentWriter {
  public constructor(
    private readonly intents: PaymentIntentRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  public async create(
    manager: EntityManager,
    data: Pick<
      PaymentIntent,
      'id' | 'userId' | 'kind' | 'provider' | 'method' | 'amount' | 'currency' | 'approvalRequired'
    >,
  ): Promise<PaymentIntent> {
    const intent = await this.intents.insert(
      manager,
      { ...data, status: 'requires_payment_method' },
      { cause: 'created' },
    );
    await this.publish(manager, PAYMENT_INTENT_CREATED, intent, { cause: 'created' });
    return intent;
  }

  public async transition(
    manager: EntityManager,
    intent: PaymentIntent,
    to: IntentStatus,
    cause: TransitionCause,
    patch: IntentPatch = {},
  ): Promise<PaymentIntent> {
    assertTransition(intent.status, to, cause.cause);
    return this.apply(manager, intent, to, cause, patch);
  }

  /** A staff resolution (PaymentResolution): checked against the staff-only transitions instead of the usual ones. */
  public async resolveByStaff(
    manager: EntityManager,
    intent: PaymentIntent,
    to: IntentStatus,
    cause: TransitionCause,
    patch: IntentPatch = {},
  ): Promise<PaymentIntent> {
    assertStaffResolution(intent.status, to, cause.cause);
    return this.apply(manager, intent, to, cause, patch);
  }

  private async apply(
    manager: EntityManager,
    intent: PaymentIntent,
    to: IntentStatus,
    cause: TransitionCause,
    patch: IntentPatch,
  ): Promise<PaymentIntent> {
    const next = await this.intents.transition(manager, intent, to, cause, patch);
    await this.publish(manager, EVENT_OF_STATUS[to] ?? PAYMENT_INTENT_STATUS_CHANGED, next, cause, intent.status);
    return next;
  }

  private async publish(
    manager: EntityManager,
    type: PaymentIntentEventType,
    intent: PaymentIntent,
    cause: TransitionCause,
    previousStatus?: IntentStatus,
  ): Promise<void> {
    countIntentStatus(intent);
    const payload: PaymentIntentEventV1 = {
      intentId: intent.id,
      userId: intent.userId,
      kind: intent.kind,
      provider: intent.provider,
      ...(intent.method ? { method: intent.method } : {}),
      amount: intent.amount.toString(),
      currency: intent.currency,
      status: intent.status,
      ...(previousStatus ? { previousStatus } : {}),
      cause: cause.cause,
      ...(intent.providerReference ? { providerReference: intent.providerReference } : {}),
      ...(cause.providerEventId ? { providerEventId: cause.providerEventId } : {}),
    };
    await this.outbox.append(manager, EVENT_STREAMS.PAYMENT, [domainEvent(type, 1, intent.id, payload)]);
  }
}
