import { inSpan } from '@casino/platform';
import { DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import type { RequestOrigin } from '../../user/user-directory';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import type { PaymentIntent } from '../intents/payment-intent.types';
import { PaymentProviderChanges } from '../intents/payment-provider-changes';
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
 * nothing), then applied through PaymentProviderChanges (the state machine decides, under the
 * intent's row lock, in one transaction), and the money it calls for moves after the commit.
 */
@Injectable()
export class PaymentWebhookService {
  private readonly logger = new Logger(PaymentWebhookService.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly providers: PaymentProviders,
    private readonly intents: PaymentIntentRepository,
    private readonly changes: PaymentProviderChanges,
    private readonly events: PaymentWebhookEventRepository,
    private readonly securityEvents: PaymentSecurityEvents,
    private readonly metrics: PaymentMetrics,
    private readonly clock: Clock,
  ) {}

  /** In a span `payment.webhook`: the settlement's ledger batch, the relay's publish and the loads continue its trace. */
  public handle(
    providerName: string,
    rawBody: Buffer | undefined,
    signature: string | undefined,
    origin: RequestOrigin,
  ): Promise<WebhookAck> {
    return inSpan('payment.webhook', { attributes: { 'payment.provider': providerName } }, () =>
      this.receive(providerName, rawBody, signature, origin),
    );
  }

  private async receive(
    providerName: string,
    rawBody: Buffer | undefined,
    signature: string | undefined,
    origin: RequestOrigin,
  ): Promise<WebhookAck> {
    const provider = this.providers.get(providerName);
    const event = await this.verify(provider, rawBody ?? Buffer.alloc(0), signature, origin);
    // Looked up before the transaction: a pool read inside it would hold one connection while waiting for a second,
    // and a burst of webhooks as large as the pool would wait on each other forever. `apply` locks the intent.
    const found = await this.findIntent(event, provider.name);
    const processed = await this.dataSource.transaction((manager) =>
      this.process(manager, provider.name, event, found),
    );
    this.metrics.webhookEvents.inc({ provider: provider.name, outcome: processed.outcome });
    if (processed.alert)
      await this.securityEvents.record({ ...processed.alert, ip: origin.ip, requestId: origin.requestId });
    await this.changes.settle(processed.intent);
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

  private async process(
    manager: EntityManager,
    provider: string,
    event: ProviderEvent,
    found: PaymentIntent | null,
  ): Promise<Processed> {
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
    const cause = { cause: `provider:${event.type}`, providerEventId: event.eventId };
    const change = { ...event, target: event.target };
    const result = await this.changes.apply(manager, found.id, change, cause, { eventId: event.eventId });
    if (result.outcome === 'mismatch') {
      await this.events.setOutcome(manager, provider, event.eventId, 'mismatch');
      const alert: PaymentSecurityEvent = {
        kind: 'webhook.amount_mismatch',
        provider,
        intentId: result.intent.id,
        details: { eventId: event.eventId, ...result.mismatch },
      };
      return { outcome: 'mismatch', intent: null, alert };
    }
    if (result.outcome === 'ignored') {
      this.logger.log(
        { intentId: result.intent.id, eventId: event.eventId, type: event.type, reason: result.reason },
        'provider event changes nothing',
      );
      return { outcome: 'ignored', intent: result.intent, alert: result.alert };
    }
    await this.events.setOutcome(manager, provider, event.eventId, 'applied');
    return { outcome: 'applied', intent: result.intent, alert: null };
  }

  private async findIntent(event: ProviderEvent, provider: string): Promise<PaymentIntent | null> {
    if (event.intentId && /^[0-9a-f-]{36}$/.test(event.intentId)) {
      const intent = await this.intents.findById(event.intentId);
      if (intent && intent.provider === provider) return intent;
    }
    return event.reference ? this.intents.findByProviderReference(provider, event.reference) : null;
  }
}
