/** Every domain event travels in this envelope; `type` and `version` select the payload schema. */
export interface DomainEventEnvelope<TType extends string = string, TPayload = unknown> {
  /** UUID; consumers deduplicate on it and JetStream uses it as the message id. */
  id: string;
  type: TType;
  version: number;
  /** ISO-8601 UTC. */
  occurredAt: string;
  /** The aggregate whose order consumers may rely on (wallet id, user id, intent id). */
  aggregateId: string;
  correlationId?: string;
  causationId?: string;
  payload: TPayload;
}

/** The JetStream streams and the subject each event type is published on. */
export const EVENT_STREAMS = {
  USER: 'user',
  WALLET: 'wallet',
  GAME: 'game',
  PAYMENT: 'payment',
  BONUS: 'bonus',
} as const;
export type EventStreamKey = (typeof EVENT_STREAMS)[keyof typeof EVENT_STREAMS];

/** `<prefix>.<stream>.<event type>`, e.g. `casino.wallet.wallet.transaction.completed`. */
export function subjectFor(prefix: string, stream: EventStreamKey, eventType: string): string {
  return `${prefix}.${stream}.${eventType}`;
}

/** JetStream stream names may not contain dots; `casino` + `wallet` → `CASINO_WALLET`. */
export function streamNameFor(prefix: string, stream: EventStreamKey): string {
  return `${prefix}_${stream}`.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase();
}
