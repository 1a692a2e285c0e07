/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) carried with a domain event (the outbox row, then NATS
 * headers) or a BullMQ job (its data), so that the work it causes continues the trace that produced it.
 */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

/** A job's data with the trace of the request that enqueued it (absent when tracing is off). */
export type Traced<T> = T & { traceContext?: TraceCarrier };
