import type { DomainEventEnvelope, EventStreamKey } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Appends domain events to the outbox inside the caller's transaction, so an event exists
 * exactly when the change it describes was committed. The outbox relay publishes them.
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
