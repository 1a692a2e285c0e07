import type { DomainEventEnvelope } from '@casino/contracts';
import { randomUUID } from 'node:crypto';

/** Builds an envelope with a fresh id and the current time. */
export function domainEvent<TType extends string, TPayload>(
  type: TType,
  version: number,
  aggregateId: string,
  payload: TPayload,
  correlation: { correlationId?: string; causationId?: string } = {},
): DomainEventEnvelope<TType, TPayload> {
  return {
    id: randomUUID(),
    type,
    version,
    occurredAt: new Date().toISOString(),
    aggregateId,
    ...correlation,
    payload,
  };
}
