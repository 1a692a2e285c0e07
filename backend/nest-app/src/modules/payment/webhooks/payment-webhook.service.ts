import { DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import type { RequestOrigin } from '../../user/user-directory';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import { decideProviderEvent, isTerminal, type IntentStatus } from '../intents/payment-intent.state-machine';
import type { IntentPatch, PaymentIntent } from '../intents/payment-intent.types';
import { PaymentIntentWriter } from '../intents/payment-intent.writer';
import { providerKeys } from '../intents/payment-payouts';
import { PaymentSettlement } from '../intents/payment-settlement';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentSecurityEvents, type PaymentSecurityEvent } from '../payment-security-events';
import type { PaymentProvider, ProviderEvent } from '../psp/payment-provider';
import { PaymentProviders } from '../psp/payment-providers';
import { PaymentWebhookEventRepository, type WebhookOutcome } from './payment-webhook-event.repository';
import { WebhookSignatureError } from './webhook-signature';

export interface WebhookAck {
  received: true;
  duplicate: boolean;
  outcome: WebhookOutcome | 'duplicate';
}

interface Processed {
  outcome: WebhookOutcome | 'duplicate';
  intent: PaymentIntent | null;
  alert: PaymentSecurityEvent | null;
}

/**
 * A provider's webhook: verified over the raw body first (a refusal is counted and recorded as a
 * security event), each provider event id recorded once (a replay is acknowledged and does
 * nothing), then the state machine decides, under the intent's row lock, in one transaction.
 */
@Injectable()
export class PaymentWebhookService {
  private readonly logger = new Logger(PaymentWebhookService.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly providers: PaymentProviders,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly events: PaymentWebhookEventRepository,
    private readonly settlement: PaymentSettlement,
    private readonly securityEvents: PaymentSecurityEvents,
    private readonly metrics: PaymentMetrics,
    private readonly clock: Clock,
  ) {}

  public async handle(
    providerName: string,
    rawBody: Buffer | undefined,
    signature: string | undefined,
    origin: RequestOrigin,
  ): Promise<WebhookAck> {
    const provider = this.providers.get(providerName);
    const event = await this.verify(provider, rawBody ?? Buffer.alloc(0), signature, origin);
    const processed = await this.dataSource.transaction((manager) => this.process(manager, provider.name, event));
    this.metrics.webhookEvents.inc({ provider: provider.name, outcome: processed.outcome });
    if (processed.alert)
      await this.securityEvents.record({ ...processed.alert, ip: origin.ip, requestId: origin.requestId });
    await this.afterCommit(provider, processed.intent);
    return { received: true, duplicate: processed.outcome === 'duplicate', outcome: processed.outcome };
  }

  private async verify(
    provider: PaymentProvider,
    rawBody: Buffer,
    signature: string | undefined,
    origin: RequestOrigin,
  ): Promise<ProviderEvent> {
    try {
      return provider.parseWebhook(rawBody, signature, this.clock.now());
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      this.metrics.signatureFailures.inc({ provider: provider.name, reason: error.reason });
      await this.securityEvents.record({
        kind: 'webhook.signature_invalid',
        provider: provider.name,
        ip: origin.ip,
        requestId: origin.requestId,
        details: { reason: error.reason, bodyBytes: rawBody.length, userAgent: origin.userAgent },
      });
      throw new DomainError('PAYMENT_WEBHOOK_SIGNATURE_INVALID', 'The webhook signature is not valid', {
        reason: error.reason,
      });
    }
  }

  private async process(manager: EntityManager, provider: string, event: ProviderEvent): Promise<Processed> {
    const found = await this.findIntent(event, provider);
    const fresh = await this.events.recordOnce(manager, {
      provider,
      eventId: event.eventId,
      type: event.type,
      intentId: found?.id ?? null,
      outcome: 'ignored',
    });
    if (!fresh) return { outcome: 'duplicate', intent: found, alert: null };
    if (!found || event.target === null) {
      const outcome = found ? 'ignored' : 'unknown_intent';
      await this.events.setOutcome(manager, provider, event.eventId, outcome);
      return { outcome, intent: null, alert: null };
    }
    const intent = (await this.intents.lockById(manager, found.id)) as PaymentIntent;
    const mismatch = mismatchOf(intent, event);
    if (mismatch) {
      await this.events.setOutcome(manager, provider, event.eventId, 'mismatch');
      const alert: PaymentSecurityEvent = {
        kind: 'webhook.amount_mismatch',
        provider,
        intentId: intent.id,
        details: { eventId: event.eventId, ...mismatch },
      };
      return { outcome: 'mismatch', intent: null, alert };
    }
    const decision = decideProviderEvent(intent, event.target, event.occurredAt);
    if (decision.action === 'ignore') {
      this.logger.log(
        { intentId: intent.id, eventId: event.eventId, type: event.type, reason: decision.reason },
        'provider event changes nothing',
      );
      return {
        outcome: 'ignored',
        intent,
        alert: ignoredEventAlert(intent, event.eventId, event.target, decision.reason, provider),
      };
    }
    await this.events.setOutcome(manager, provider, event.eventId, 'applied');
    const next = await this.writer.transition(
      manager,
      intent,
      event.target,
      { cause: `provider:${event.type}`, providerEventId: event.eventId },
      patchFor(intent, event),
    );
    return { outcome: 'applied', intent: next, alert: null };
  }

  private async findIntent(event: ProviderEvent, provider: string): Promise<PaymentIntent | null> {
    if (event.intentId && /^[0-9a-f-]{36}$/.test(event.intentId)) {
      const intent = await this.intents.findById(event.intentId);
      if (intent && intent.provider === provider) return intent;
    }
    return event.reference ? this.intents.findByProviderReference(provider, event.reference) : null;
  }

  /** Money moves after the commit; a final decline is also canceled at the provider so it cannot be paid later. */
  private async afterCommit(provider: PaymentProvider, intent: PaymentIntent | null): Promise<void> {
    if (!intent || !isTerminal(intent.status)) return;
    await this.settlement.settleQuietly(intent.id);
    if (intent.kind === 'deposit' && intent.status === 'failed' && intent.providerReference) {
      try {
        await provider.cancelPayment(intent.providerReference, providerKeys.cancel(intent.id));
      } catch (error) {
        this.logger.warn(
          { err: error, intentId: intent.id },
          'could not cancel a finally declined payment at the provider',
        );
      }
    }
  }
}

function mismatchOf(intent: PaymentIntent, event: ProviderEvent): Record<string, string> | null {
  const expected = intent.kind === 'deposit' ? 'payment' : 'payout';
  if (event.object !== expected) return { problem: 'object', expected, received: event.object };
  if (intent.providerReference && event.reference && intent.providerReference !== event.reference) {
    return { problem: 'reference', expected: intent.providerReference, received: event.reference };
  }
  if (event.amount !== null && event.amount !== intent.amount) {
    return { problem: 'amount', expected: intent.amount.toString(), received: event.amount.toString() };
  }
  if (event.currency !== null && event.currency !== intent.currency) {
    return { problem: 'currency', expected: intent.currency, received: event.currency };
  }
  return null;
}

function patchFor(intent: PaymentIntent, event: ProviderEvent): IntentPatch {
  const last = intent.lastProviderEventAt;
  const patch: IntentPatch = {
    lastProviderEventAt: last && last.getTime() > event.occurredAt.getTime() ? last : event.occurredAt,
  };
  if (!intent.providerReference && event.reference) patch.providerReference = event.reference;
  if (event.failure) {
    patch.failureCode = event.failure.code;
    patch.failureMessage = event.failure.message;
  }
  if (event.target !== 'requires_payment_method' && event.target !== 'requires_action') patch.nextAction = null;
  return patch;
}

/**
 * What an ignored provider event should tell staff: a success after we gave the payment up (the money may have been
 * taken), or an end the state machine refuses from where the intent stands (the intent stays open here).
 */
function ignoredEventAlert(
  intent: PaymentIntent,
  eventId: string,
  target: IntentStatus,
  reason: string,
  provider: string,
): PaymentSecurityEvent | null {
  const details = { eventId, status: intent.status };
  if (target === 'succeeded' && (intent.status === 'failed' || intent.status === 'canceled'))
    return { kind: 'payment.late_success', provider, intentId: intent.id, details };
  if (reason === 'not_allowed' && isTerminal(target))
    return {
      kind: 'payment.provider_status_refused',
      provider,
      intentId: intent.id,
      details: { ...details, providerStatus: target },
    };
  return null;
}
