import type { TraceCarrier, Traced } from '@casino/contracts';
import { currentTraceCarrier, inChildSpan, SpanKind } from './trace-context';

/** The job's data with the active trace, so that its processor continues it (unchanged when tracing is off). */
export function tracedJob<T extends object>(data: T): Traced<T> {
  const trace = currentTraceCarrier();
  return trace ? { ...data, traceContext: trace } : data;
}

/**
 * Runs a BullMQ job's work in a span `<queue> process`, the child of the trace that enqueued it (a root span for a
 * job without one: scheduled jobs, or jobs enqueued before tracing was on).
 */
export function processTracedJob<T>(
  queue: string,
  job: { name: string; id?: string; data: unknown },
  work: () => Promise<T>,
): Promise<T> {
  return inChildSpan(
    `${queue} process`,
    traceOfJob(job.data),
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.destination.name': queue,
        'messaging.operation.name': job.name,
        ...(job.id ? { 'messaging.message.id': job.id } : {}),
      },
    },
    work,
  );
}

function traceOfJob(data: unknown): TraceCarrier | null {
  if (typeof data !== 'object' || data === null || !('traceContext' in data)) return null;
  const trace = (data as { traceContext?: TraceCarrier }).traceContext;
  return typeof trace?.traceparent === 'string' ? trace : null;
}
