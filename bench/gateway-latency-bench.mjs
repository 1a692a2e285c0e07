/* global process, performance, setTimeout, console */
// `npm run bench:gateway` (its latency part): the latency the gateway adds in front of nest-app at a steady
// 2,000 requests/s. Not a CI test. Needs the build and the local services.
// It starts a stand-in upstream (bench/lib/stub-upstream.mjs: answers at once, so nothing upstream is measured) and
// the compiled gateway in front of it (its own Redis prefix and NATS subjects; edge token check and Redis rate
// limit on every request, as in service), then sends GET /api/v1/games at a fixed rate (open loop: requests leave
// on schedule, not after the previous answer) in alternating slices, direct to the upstream and through the
// gateway, so that both paths see the same machine. Figures per path: p50/p95/p99, and the gateway's CPU per
// request (utime + stime of /proc/<pid>/stat). The floor: p99 through the gateway less than 2 ms above
// direct.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { disposeIsolatedResources } from '@casino/platform/testing';
import { ROOT, scratchEnvironment, spawnNode } from './lib/bench-support.mjs';
import { waitReady } from './lib/chaos-supervisor.mjs';
import { freePort } from './lib/hub88-load.mjs';

const require = createRequire(join(ROOT, 'backend/gateway/package.json'));
const { Pool } = require('undici');
const { loadAppConfig } = require(join(ROOT, 'backend/nest-app/dist/config/load-app-config.js'));

const RATE = Number(process.env.BENCH_GATEWAY_RATE ?? 2000);
const SLICE_SECONDS = Number(process.env.BENCH_GATEWAY_SLICE_SECONDS ?? 10);
const SLICES = Number(process.env.BENCH_GATEWAY_SLICES ?? 3);
const WARMUP_SECONDS = 3;
const FLOOR_ADDED_P99_MS = 2;
const PATH = '/api/v1/games?limit=1';
const CLOCK_TICKS = 100;
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function quantile(sorted, q) {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Sends GET PATH at RATE per second for `seconds`, open loop; returns each answer's latency (ms) and failures. */
async function steady(pool, seconds) {
  const latencies = [];
  let failures = 0;
  const inFlight = [];
  const started = performance.now();
  const total = Math.round(RATE * seconds);
  for (let sent = 0; sent < total; sent += 1) {
    const due = started + (sent * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    // Latency from the scheduled send time: a generator that falls behind counts its own delay (no coordinated omission).
    inFlight.push(
      pool
        .request({ method: 'GET', path: PATH })
        .then(async ({ statusCode, body }) => {
          await body.dump();
          if (statusCode === 200) latencies.push(performance.now() - due);
          else failures += 1;
        })
        .catch(() => {
          failures += 1;
        }),
    );
  }
  await Promise.all(inFlight);
  return { latencies, failures, seconds: (performance.now() - started) / 1000 };
}

function summary(runs, requests, cpu) {
  const sorted = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const round = (value) => (value === null ? null : Math.round(value * 1000) / 1000);
  return {
    requests: sorted.length,
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    achievedRate: Math.round(requests / runs.reduce((sum, run) => sum + run.seconds, 0)),
    p50Ms: round(quantile(sorted, 0.5)),
    p95Ms: round(quantile(sorted, 0.95)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? null),
    cpuMsPerRequest: cpu,
  };
}

async function main() {
  const name = `bench_gw_${stamp}`;
  const upstreamPort = await freePort();
  const gatewayPort = await freePort();
  const env = scratchEnvironment(name, {
    STUB_PORT: String(upstreamPort),
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_UPSTREAMS: `http://127.0.0.1:${upstreamPort}`,
    GATEWAY_LIMIT_API_PER_IP: '1000000/60',
    GATEWAY_LIMIT_API_PER_PLAYER: '1000000/60',
  });
  const upstream = spawnNode(join(ROOT, 'bench/lib/stub-upstream.mjs'), [], env);
  // BENCH_GATEWAY_NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/gw-prof`): V8 flags of the gateway alone.
  const gatewayEnv = { ...env, NODE_OPTIONS: process.env.BENCH_GATEWAY_NODE_OPTIONS ?? '' };
  const gateway = spawnNode(join(ROOT, 'backend/gateway/dist/main.js'), [], gatewayEnv);
  try {
    await upstream.waitFor(/listening/);
    await waitReady(`http://127.0.0.1:${gatewayPort}/health/ready`);
    const pools = {
      direct: new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 64 }),
      gateway: new Pool(`http://127.0.0.1:${gatewayPort}`, { connections: 64 }),
    };
    for (const pool of Object.values(pools)) await steady(pool, WARMUP_SECONDS);
    const runs = { direct: [], gateway: [] };
    let gatewayCpu = 0;
    for (let slice = 0; slice < SLICES; slice += 1) {
      for (const path of ['direct', 'gateway']) {
        const before = cpuSeconds(gateway.pid);
        runs[path].push(await steady(pools[path], SLICE_SECONDS));
        if (path === 'gateway') gatewayCpu += cpuSeconds(gateway.pid) - before;
      }
    }
    const requests = (path) => runs[path].reduce((sum, run) => sum + run.latencies.length + run.failures, 0);
    const direct = summary(runs.direct, requests('direct'), {});
    const viaGateway = summary(runs.gateway, requests('gateway'), {
      gateway: Math.round(((gatewayCpu * 1000) / requests('gateway')) * 1000) / 1000,
    });
    const added = (key) => Math.round((viaGateway[key] - direct[key]) * 1000) / 1000;
    const result = {
      bench: 'gateway-latency',
      at: new Date().toISOString(),
      machine: { node: process.version, cpus: cpus().length, loadAverage: loadavg() },
      route: `GET ${PATH} (a stand-in upstream answering at once)`,
      ratePerSecond: RATE,
      slices: `${SLICES} x ${SLICE_SECONDS} s per path, alternating`,
      direct,
      viaGateway,
      addedMs: { p50: added('p50Ms'), p95: added('p95Ms'), p99: added('p99Ms') },
      floor: { addedP99Ms: FLOOR_ADDED_P99_MS, met: added('p99Ms') < FLOOR_ADDED_P99_MS },
    };
    await Promise.all(Object.values(pools).map((pool) => pool.close()));
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', `gateway-latency-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${file}`);
  } finally {
    await gateway.stop();
    await upstream.stop();
    await disposeIsolatedResources(name, loadAppConfig({}));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
