import { subjectFor, type DomainEventEnvelope, type EventStreamKey, type TraceCarrier } from '@casino/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { headers as natsHeaders, type JetStreamClient, type NatsConnection } from 'nats';
import type { EventBus, PublishOutcome } from './event-bus';
import { NATS_CONNECTION, NATS_OPTIONS, type NatsOptions } from './nats.tokens';
import { currentTraceCarrier, inChildSpan, injectTraceHeaders } from '../tracing/trace-context';

const PUBLISH_TIMEOUT_MS = 5000;

@Injectable()
export class NatsEventBus implements EventBus {
  private readonly jetstream: JetStreamClient;
  private readonly encoder = new TextEncoder();

  public constructor(
    @Inject(NATS_CONNECTION) connection: NatsConnection,
    @Inject(NATS_OPTIONS) private readonly options: NatsOptions,
  ) {
    this.jetstream = connection.jetstream({ timeout: PUBLISH_TIMEOUT_MS });
  }

  public async publish(
    stream: EventStreamKey,
    event: DomainEventEnvelope,
    trace?: TraceCarrier | null,
  ): Promise<PublishOutcome> {
    const subject = subjectFor(this.options.subjectPrefix, stream, event.type);
    const attributes = {
      'messaging.system': 'nats',
      'messaging.destination.name': subject,
      'messaging.message.id': event.id,
    };
    const send = async (): Promise<PublishOutcome> => {
      const header = natsHeaders();
      header.set('Event-Type', event.type);
      header.set('Event-Version', String(event.version));
      injectTraceHeaders(header);
      const ack = await this.jetstream.publish(subject, this.encoder.encode(JSON.stringify(event)), {
        msgID: event.id,
        headers: header,
        timeout: PUBLISH_TIMEOUT_MS,
      });
      return { duplicate: ack.duplicate, sequence: ack.seq };
    };
    // The event's own trace (its outbox row's), else the caller's.
    return inChildSpan(
      `${subject} publish`,
      trace ?? currentTraceCarrier(),
      { kind: SpanKind.PRODUCER, attributes },
      send,
    );
  }
}
