import type { DomainEventEnvelope, EventStreamKey } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Outbox rows as parallel column arrays, for a writer that inserts them with `unnest` in its own statement. */
export interface OutboxColumns {
  ids: string[];
  streams: EventStreamKey[];
  types: string[];
  aggregateIds: string[];
  envelopes: string[];
}

/** The columns of `outbox_events` rows for these events, in order (their positions follow this order). */
export function outboxColumns(stream: EventStreamKey, events: DomainEventEnvelope[]): OutboxColumns {
  return {
    ids: events.map((event) => event.id),
    streams: events.map(() => stream),
    types: events.map((event) => event.type),
    aggregateIds: events.map((event) => event.aggregateId),
    envelopes: events.map((event) => JSON.stringify(event)),
  };
}

/**
 * Appends domain events to the outbox inside the caller's transaction, so an event exists
 * exactly when the change it describes was committed. The outbox relay publishes them.
 * (The ledger's hot path writes the same rows from `outboxColumns` within its batch statement.)
 */
@Injectable()
export class OutboxWriter {
  public async append(manager: EntityManager, stream: EventStreamKey, events: DomainEventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const rows = events.map((event, index) => {
      const offset = index * 5;
      values.push(event.id, stream, event.type, event.aggregateId, JSON.stringify(event));
      return `($${offset + 1}, $${offset + 2}, $${offset + 3}, $${offset + 4}, $${offset + 5}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO outbox_events (id, stream, event_type, aggregate_id, envelope) VALUES ${rows.join(', ')}`,
      values,
    );
  }
}
