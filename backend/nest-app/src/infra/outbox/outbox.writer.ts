import type { DomainEventEnvelope, EventStreamKey, TraceCarrier } from '@casino/contracts';
import { currentTraceCarrier } from '@casino/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared, type PreparedStatement } from '../database/prepared-statement';

/** Outbox rows as parallel column arrays, for a writer that inserts them with `unnest` in its own statement. */
export interface OutboxColumns {
  ids: string[];
  streams: EventStreamKey[];
  types: string[];
  aggregateIds: string[];
  envelopes: string[];
  /** Each event's W3C trace context as JSON, or null (tracing off, or written outside any trace). */
  traceContexts: (string | null)[];
}

/**
 * The columns of `outbox_events` rows for these events, in order (their positions follow this order); `traces[i]` is
 * the trace that wrote `events[i]`.
 */
export function outboxColumns(
  stream: EventStreamKey,
  events: DomainEventEnvelope[],
  traces: readonly (TraceCarrier | null | undefined)[],
): OutboxColumns {
  return {
    ids: events.map((event) => event.id),
    streams: events.map(() => stream),
    types: events.map((event) => event.type),
    aggregateIds: events.map((event) => event.aggregateId),
    envelopes: events.map((event) => JSON.stringify(event)),
    traceContexts: events.map((_, index) => {
      const trace = traces[index];
      return trace ? JSON.stringify(trace) : null;
    }),
  };
}

/** Events in the given order (their positions follow it); one text for any count, so one plan. */
const APPEND: PreparedStatement = {
  name: 'outbox_append_v2',
  text: `INSERT INTO outbox_events (id, stream, event_type, aggregate_id, envelope, trace_context)
         SELECT o.id, o.stream, o.event_type, o.aggregate_id, o.envelope, o.trace_context
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY
                AS o(id, stream, event_type, aggregate_id, envelope, trace_context, ord)
          ORDER BY o.ord`,
};

/**
 * Appends domain events to the outbox inside the caller's transaction, so an event exists
 * exactly when the change it describes was committed, with the trace active here. The outbox relay publishes them.
 * (The ledger's hot path writes the same rows from `outboxColumns` within its batch statement.)
 */
@Injectable()
export class OutboxWriter {
  public async append(manager: EntityManager, stream: EventStreamKey, events: DomainEventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const trace = currentTraceCarrier();
    const columns = outboxColumns(
      stream,
      events,
      events.map(() => trace),
    );
    const values = [
      columns.ids,
      columns.streams,
      columns.types,
      columns.aggregateIds,
      columns.envelopes,
      columns.traceContexts,
    ];
    if (manager.queryRunner) await runPrepared(manager.queryRunner, APPEND, values);
    else await manager.query(APPEND.text, values);
  }
}
