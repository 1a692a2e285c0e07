import type { TraceCarrier } from '@casino/contracts';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

/** The tracer of every hand-made span of the platform (instrumentation scope `casino`). */
export const casinoTracer: Tracer = trace.getTracer('casino');

/**
 * The active trace context as a W3C carrier, or null when no span is recording (tracing off: the API's no-op
 * propagator writes nothing, so this costs an empty object).
 */
export function currentTraceCarrier(active: Context = context.active()): TraceCarrier | null {
  const carrier: Partial<TraceCarrier> = {};
  propagation.inject(active, carrier);
  return carrier.traceparent ? (carrier as TraceCarrier) : null;
}

/** The context a carrier names, below the root (a span started in it is the carrier's child). */
export function contextOf(carrier: TraceCarrier | null | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

/** Writes the active context into message headers (NATS `MsgHdrs`, or any `set(key, value)`). */
export function injectTraceHeaders(
  headers: { set(key: string, value: string): void },
  active = context.active(),
): void {
  propagation.inject(active, headers, { set: (carrier, key, value) => carrier.set(key, value) });
}

/**
 * Whether a propagator that reads trace context is installed (the SDK's, tracing on). Without one, extracting a
 * carrier yields nothing, so a hot path may skip reading headers (parsing a NATS message's costs ~2 µs).
 */
export function tracePropagationActive(): boolean {
  return propagation.fields().includes('traceparent');
}

/** The carrier in message headers (NATS `MsgHdrs`), or null when they name no trace. */
export function traceCarrierOfHeaders(headers: { get(key: string): string } | undefined): TraceCarrier | null {
  const traceparent = headers?.get('traceparent');
  if (!traceparent) return null;
  const tracestate = headers?.get('tracestate');
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
}

/**
 * Runs `work` in a span that is the carrier's child (a single message or job continuing its producer's trace); a
 * root span when the carrier is null. A throw marks the span an error and is rethrown.
 */
export function inChildSpan<T>(
  name: string,
  carrier: TraceCarrier | null | undefined,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return casinoTracer.startActiveSpan(name, options, contextOf(carrier), (span) => ended(span, work));
}

/**
 * Runs batched work (a ledger batch, a ClickHouse load) in ONE span, never one per item: it links every item's
 * context and is the child of the first item's, so a batch of one sits inside its item's trace and a larger batch
 * is reached from each item's trace through its link. Items without a trace add no link.
 */
export function inBatchSpan<T>(
  name: string,
  carriers: readonly (TraceCarrier | null | undefined)[],
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const links: Link[] = [];
  let parent: Context | undefined;
  for (const carrier of carriers) {
    if (!carrier) continue;
    const itemContext = contextOf(carrier);
    const spanContext = trace.getSpanContext(itemContext);
    if (!spanContext) continue;
    parent ??= itemContext;
    links.push({ context: spanContext });
  }
  return casinoTracer.startActiveSpan(
    name,
    { ...options, links, attributes: { ...options.attributes, 'batch.size': carriers.length } },
    parent ?? ROOT_CONTEXT,
    (span) => ended(span, work),
  );
}

/** Runs `work` in a span child of the active context (an entry point: a webhook, a provider's wallet call). */
export function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  return casinoTracer.startActiveSpan(name, options, (span) => ended(span, work));
}

async function ended<T>(span: Span, work: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await work(span);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };
