import { counterOf as counter, gaugeOf as gauge, histogramOf as histogram } from '@casino/platform';

/** 1 while an instance gets new requests, 0 while it is down, draining or ejected. */
export const upstreamAvailable = gauge('gateway_upstream_available', 'Whether an API instance is in rotation', [
  'upstream',
]);

export const upstreamEjections = counter(
  'gateway_upstream_ejections_total',
  'API instances taken out of rotation, by cause (health_check, connection)',
  ['upstream', 'cause'],
);

export const upstreamRetries = counter(
  'gateway_upstream_retries_total',
  'Requests sent again to another instance after a connection failure (reads after any, writes only when never sent)',
  ['upstream'],
);

export const rateLimitDecisions = counter(
  'gateway_rate_limit_decisions_total',
  'Edge rate-limit decisions by route class and outcome (allowed, limited, fail_open, fail_closed)',
  ['class', 'outcome'],
);

export const edgeTokenRefusals = counter(
  'gateway_token_refusals_total',
  'Bearer tokens refused at the edge, by reason',
  ['reason'],
);

export const pushConnections = gauge('gateway_push_connections', 'Open live-push streams, by transport (ws, sse)', [
  'transport',
]);

export const pushLatency = histogram(
  'gateway_push_latency_seconds',
  "From a domain event's occurredAt (the producer's commit) to its push on a stream, by message type",
  ['type'],
  [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5],
);

export const pushDropped = counter(
  'gateway_push_dropped_total',
  'Live-push messages not sent, by reason (backpressure: the client reads too slowly; malformed: an unreadable event)',
  ['reason'],
);

export const pushClosed = counter('gateway_push_closed_total', 'Live-push streams closed by the gateway, by reason', [
  'reason',
]);
