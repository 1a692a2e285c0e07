import { subjectFor, type DomainEventEnvelope, type EventStreamKey } from '@casino/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { headers as natsHeaders, type JetStreamClient, type NatsConnection } from 'nats';
import type { EventBus, PublishOutcome } from './event-bus';
import { NATS_CONNECTION, NATS_OPTIONS, type NatsOptions } from './nats.tokens';

const PUBLISH_TIMEOUT_MS = 5000;
const tracer = trace.getTracer('casino-nats');

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

  public async publish(stream: EventStreamKey, event: DomainEventEnvelope): Promise<PublishOutcome> {
    const subject = subjectFor(this.options.subjectPrefix, stream, event.type);
    return tracer.startActiveSpan(`${subject} publish`, { kind: SpanKind.PRODUCER }, async (span) => {
      span.setAttributes({
        'messaging.system': 'nats',
        'messaging.destination.name': subject,
        'messaging.message.id': event.id,
      });
      try {
        const header = natsHeaders();
        header.set('Event-Type', event.type);
        header.set('Event-Version', String(event.version));
        const ack = await this.jetstream.publish(subject, this.encoder.encode(JSON.stringify(event)), {
          msgID: event.id,
          headers: header,
          timeout: PUBLISH_TIMEOUT_MS,
        });
        return { duplicate: ack.duplicate, sequence: ack.seq };
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}
