import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream } from 'pino';

/** Where and how the JSON lines are also pushed to Loki (`POST /loki/api/v1/push`); off when `url` is unset. */
export interface LokiShipping {
  url?: string;
  /** Stream labels besides `app`, `env` and `level`: a fixed, low-cardinality set from the settings. */
  labels: Readonly<Record<string, string>>;
  batchIntervalSeconds: number;
  timeoutMs: number;
}

/** Label names Loki accepts, and values of a closed kind: no spaces, quotes or braces. */
const LABEL_PAIR = /^([A-Za-z_][A-Za-z0-9_]*)=([A-Za-z0-9_.:-]{1,64})$/;
/** Labels that would grow Loki's index without bound or contradict the ones set here. */
const REFUSED_LABELS = new Set([
  'app',
  'level',
  'player_id',
  'playerId',
  'user_id',
  'userId',
  'request_id',
  'trace_id',
]);

/** `team=casino,region=eu` → `{ team: 'casino', region: 'eu' }`; throws naming the bad pair. */
export function parseLokiLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const match = LABEL_PAIR.exec(pair);
    if (!match || REFUSED_LABELS.has(match[1] as string)) throw new Error(`bad label "${pair}"`);
    labels[match[1] as string] = match[2] as string;
  }
  return labels;
}

/** The active span's ids on every line written inside it (nothing when tracing is off or no span is active). */
export function traceIdsMixin(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/**
 * stdout and, in a worker thread, pino-loki: batches every `batchIntervalSeconds`, a bounded buffer, errors
 * silenced, so a slow or absent Loki never blocks or crashes the app (lines are lost instead; stdout keeps them).
 * Lines reach it already serialized and redacted by the app's logger.
 */
export function lokiDestination(serviceName: string, environment: string, shipping: LokiShipping): DestinationStream {
  return pino.transport({
    targets: [
      { target: 'pino/file', options: { destination: 1 }, level: 'trace' },
      {
        target: 'pino-loki',
        level: 'trace',
        options: {
          host: shipping.url,
          labels: { env: environment, ...shipping.labels, app: serviceName },
          batching: { interval: shipping.batchIntervalSeconds, maxBufferSize: 10_000 },
          timeout: shipping.timeoutMs,
          silenceErrors: true,
          structuredMetaKey: false,
        },
      },
    ],
  }) as DestinationStream;
}
