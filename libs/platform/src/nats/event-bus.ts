import type { DomainEventEnvelope, EventStreamKey, TraceCarrier } from '@casino/contracts';

/**
 * Publishes domain events durably. NATS JetStream implements it here; a Kafka transport
 * could implement it later (topic per stream, event id as key for ordering and dedup).
 */
export interface EventBus {
  /**
   * Resolves once the broker has stored the event; a repeat of the same id is acknowledged as a duplicate. `trace`:
   * the trace that wrote the event (its outbox row's); the publish continues it and hands it on in the headers.
   */
  publish(stream: EventStreamKey, event: DomainEventEnvelope, trace?: TraceCarrier | null): Promise<PublishOutcome>;
}

export interface PublishOutcome {
  duplicate: boolean;
  sequence: number;
}

export const EVENT_BUS = Symbol('EVENT_BUS');
