import type { DomainEventEnvelope, EventStreamKey, TraceCarrier } from '@casino/contracts';
import type { QueryRunner } from 'typeorm';

export interface ClaimedEvent {
  position: string;
  stream: EventStreamKey;
  aggregateId: string;
  envelope: DomainEventEnvelope;
  /** The trace that wrote the event; its publish span continues it. */
  trace: TraceCarrier | null;
}

/** Advisory-lock namespace of the relay: the second key is the hash of an aggregate id. */
const RELAY_LOCK_NAMESPACE = 0x0b0c;

/**
 * Claims pending events for this relay's transaction: the aggregates of the oldest pending rows
 * that no other relay holds (transaction-scoped advisory lock per aggregate), then those
 * aggregates' pending rows in position order (FOR UPDATE SKIP LOCKED). While the transaction
 * lasts no other relay can publish any event of these aggregates, so each aggregate's events
 * go out one relay at a time, in order.
 */
export async function claimPending(runner: QueryRunner, limit: number): Promise<ClaimedEvent[]> {
  const rows = (await runner.query(
    `WITH candidates AS MATERIALIZED (
       SELECT DISTINCT aggregate_id FROM (
         SELECT aggregate_id FROM outbox_events WHERE published_at IS NULL ORDER BY position LIMIT $1) oldest),
     mine AS MATERIALIZED (
       SELECT aggregate_id FROM candidates WHERE pg_try_advisory_xact_lock($2, hashtext(aggregate_id)))
     SELECT o.position::text AS position, o.stream, o.aggregate_id, o.envelope, o.trace_context
       FROM outbox_events o
      WHERE o.published_at IS NULL AND o.aggregate_id IN (SELECT aggregate_id FROM mine)
      ORDER BY o.position
      LIMIT $1
        FOR UPDATE OF o SKIP LOCKED`,
    [limit, RELAY_LOCK_NAMESPACE],
  )) as {
    position: string;
    stream: EventStreamKey;
    aggregate_id: string;
    envelope: DomainEventEnvelope;
    trace_context: TraceCarrier | null;
  }[];
  return rows.map((row) => ({
    position: row.position,
    stream: row.stream,
    aggregateId: row.aggregate_id,
    envelope: row.envelope,
    trace: row.trace_context,
  }));
}

export async function markPublished(runner: QueryRunner, positions: string[]): Promise<void> {
  if (positions.length === 0) return;
  await runner.query(`UPDATE outbox_events SET published_at = now() WHERE position = ANY($1::bigint[])`, [positions]);
}

export async function markFailed(runner: QueryRunner, positions: string[], error: string): Promise<void> {
  if (positions.length === 0) return;
  await runner.query(
    `UPDATE outbox_events SET attempts = attempts + 1, last_error = $2 WHERE position = ANY($1::bigint[])`,
    [positions, error.slice(0, 1000)],
  );
}
