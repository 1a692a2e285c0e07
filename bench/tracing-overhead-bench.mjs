/* global process */
// `node bench/tracing-overhead-bench.mjs` (after `npm run build`): what the trace propagation of issue 23 adds to the
// wallet's hot path, per ledger command and per batch, with tracing off (no SDK: the API's no-ops, the production
// default without OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and on (a recording provider whose spans go nowhere, so the
// figure is the spans' own cost, not an exporter's). CPU time per operation from process.cpuUsage, best of 5 rounds.
// Figures go to bench/results/tracing-overhead-<time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const platform = require(join(ROOT, 'libs/platform/dist/tracing/trace-context.js'));
const BATCH = 32;
const ITERATIONS = 200_000;

function cpuNsPerOp(iterations, operation) {
  let best = Infinity;
  for (let round = 0; round < 5; round += 1) {
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i += 1) operation(i);
    const used = process.cpuUsage(before);
    best = Math.min(best, ((used.user + used.system) * 1000) / iterations);
  }
  return Math.round(best);
}

async function measure() {
  const carriers = Array.from({ length: BATCH }, () => platform.currentTraceCarrier());
  const work = () => Promise.resolve();
  const capture = cpuNsPerOp(ITERATIONS, () => platform.currentTraceCarrier());
  const batch = cpuNsPerOp(ITERATIONS / 10, () => void platform.inBatchSpan('ledger.batch', carriers, {}, work));
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { captureNsPerCommand: capture, batchSpanNsPerBatch: batch, traced: carriers.some(Boolean) };
}

const off = await measure();
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const api = require('@opentelemetry/api');
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
api.trace.setGlobalTracerProvider(new BasicTracerProvider());
// On: each command is captured inside a request's span, as the Hub88 or webhook span is in the app.
const on = await platform.inSpan('request', {}, () => measure());

const result = {
  at: new Date().toISOString(),
  batchSize: BATCH,
  iterations: ITERATIONS,
  tracingOff: off,
  tracingOn: on,
};
console.log(JSON.stringify(result, null, 2));
const stamp = result.at.replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, `bench/results/tracing-overhead-${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
