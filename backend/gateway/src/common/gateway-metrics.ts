import { Counter, Gauge, register } from 'prom-client';

function counter<T extends string>(name: string, help: string, labelNames: T[]): Counter<T> {
  return (register.getSingleMetric(name) as Counter<T> | undefined) ?? new Counter({ name, help, labelNames });
}

function gauge<T extends string>(name: string, help: string, labelNames: T[]): Gauge<T> {
  return (register.getSingleMetric(name) as Gauge<T> | undefined) ?? new Gauge({ name, help, labelNames });
}

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
  'Idempotent reads sent again to another instance after a connection failure',
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
