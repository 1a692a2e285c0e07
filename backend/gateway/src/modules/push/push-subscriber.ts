import { EVENT_STREAMS, subjectFor, WALLET_TRANSACTION_COMPLETED } from '@casino/contracts';
import {
  casinoTracer,
  contextOf,
  NATS_CONNECTION,
  NATS_OPTIONS,
  SpanKind,
  traceCarrierOfHeaders,
  type NatsOptions,
} from '@casino/platform';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Msg, NatsConnection, NatsError, Subscription } from 'nats';
import { pushDropped } from '../../common/gateway-metrics';
import { PushHub } from './push-hub';
import { pushOf } from './push-messages';

/**
 * Every instance listens to the pushed event subjects with a plain (core NATS) subscription, no JetStream consumer:
 * a push is a best-effort hint, a client re-reads its balance and payments through the API when it (re)connects, so
 * an event missed while an instance restarts costs nothing, and no consumer state is left behind by an instance.
 */
@Injectable()
export class PushSubscriber implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];
  private readonly decoder = new TextDecoder();

  public constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(NATS_OPTIONS) private readonly options: NatsOptions,
    private readonly hub: PushHub,
  ) {}

  public async onApplicationBootstrap(): Promise<void> {
    const prefix = this.options.subjectPrefix;
    const subjects = [
      subjectFor(prefix, EVENT_STREAMS.WALLET, WALLET_TRANSACTION_COMPLETED),
      subjectFor(prefix, EVENT_STREAMS.PAYMENT, 'payment.intent.*'),
    ];
    for (const subject of subjects) {
      this.subscriptions.push(
        this.nats.subscribe(subject, { callback: (error, message) => this.onEvent(error, message) }),
      );
    }
    // The server knows the interest before the instance takes its first stream.
    await this.nats.flush();
  }

  public onApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private onEvent(error: NatsError | null, message: Msg): void {
    if (error) return;
    let push;
    try {
      push = pushOf(JSON.parse(this.decoder.decode(message.data)) as Parameters<typeof pushOf>[0]);
    } catch {
      pushDropped.inc({ reason: 'malformed' });
      return;
    }
    if (!push) return;
    // One message, one span: the child of the publish that sent it (the fan-out to connections is synchronous).
    const span = casinoTracer.startSpan(
      `${message.subject} push`,
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats' } },
      contextOf(traceCarrierOfHeaders(message.headers)),
    );
    try {
      this.hub.deliver(push);
    } finally {
      span.end();
    }
  }
}
