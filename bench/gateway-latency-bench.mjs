/* global process, performance, setTimeout, console */
// `npm run bench:gateway` (its latency part): the latency the gateway adds in front of nest-app at a steady
// 2,000 requests/s. Not a CI test. Needs the build and the local services.
// It starts the compiled nest-app (own scratch database) and the compiled gateway in front of it, then sends
// GET of an unknown /api route (nest-app answers 404 from its router) at a fixed rate (open loop: requests are sent on schedule, not after the
// previous answer) in alternating slices, direct to nest-app and through the gateway, so that both paths see the
// same machine. Figures per path: p50/p95/p99 and the gateway's and nest-app's CPU per request (utime + stime of
// /proc/<pid>/stat). The floor: p99 through the gateway less than 2 ms above direct.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BIN, ROOT, scratchEnvironment, spawnNode, withScratchDatabase } from './lib/bench-support.mjs';
import { waitReady } from './lib/chaos-supervisor.mjs';
import { freePort } from './lib/hub88-load.mjs';

const require = createRequire(join(ROOT, 'backend/gateway/package.json'));
const { Pool } = require('undici');

const RATE = Number(process.env.BENCH_GATEWAY_RATE ?? 2000);
const SLICE_SECONDS = Number(process.env.BENCH_GATEWAY_SLICE_SECONDS ?? 10);
const SLICES = Number(process.env.BENCH_GATEWAY_SLICES ?? 3);
const WARMUP_SECONDS = 3;
const FLOOR_ADDED_P99_MS = 2;
// A route nest-app refuses at its router (404, no database): what is measured is the path, not the route's work.
const PATH = '/api/v1/bench-no-such-route';
const EXPECTED_STATUS = 404;
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
          if (statusCode === EXPECTED_STATUS) latencies.push(performance.now() - due);
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
  await withScratchDatabase(name, async () => {
    const apiPort = await freePort();
    const gatewayPort = await freePort();
    const env = scratchEnvironment(name, {
      API_PORT: String(apiPort),
      API_TRUSTED_PROXIES: '127.0.0.1,::1',
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_UPSTREAMS: `http://127.0.0.1:${apiPort}`,
      GATEWAY_LIMIT_API_PER_IP: '1000000/60',
      GATEWAY_LIMIT_API_PER_PLAYER: '1000000/60',
    });
    const migrate = spawnNode(join(BIN, 'migrate.js'), ['run'], env);
    await migrate.finished;
    const api = spawnNode(join(ROOT, 'backend/nest-app/dist/main.js'), [], env);
    const gateway = spawnNode(join(ROOT, 'backend/gateway/dist/main.js'), [], env);
    try {
      await waitReady(`http://127.0.0.1:${apiPort}/health/ready`);
      await waitReady(`http://127.0.0.1:${gatewayPort}/health/ready`);
      const pools = {
        direct: new Pool(`http://127.0.0.1:${apiPort}`, { connections: 64 }),
        gateway: new Pool(`http://127.0.0.1:${gatewayPort}`, { connections: 64 }),
      };
      for (const pool of Object.values(pools)) await steady(pool, WARMUP_SECONDS);
      const runs = { direct: [], gateway: [] };
      const cpu = { gateway: 0, apiDirect: 0, apiViaGateway: 0 };
      for (let slice = 0; slice < SLICES; slice += 1) {
        for (const path of ['direct', 'gateway']) {
          const before = { api: cpuSeconds(api.pid), gateway: cpuSeconds(gateway.pid) };
          runs[path].push(await steady(pools[path], SLICE_SECONDS));
          const apiCpu = cpuSeconds(api.pid) - before.api;
          if (path === 'direct') cpu.apiDirect += apiCpu;
          else {
            cpu.apiViaGateway += apiCpu;
            cpu.gateway += cpuSeconds(gateway.pid) - before.gateway;
          }
        }
      }
      const requests = (path) => runs[path].reduce((sum, run) => sum + run.latencies.length + run.failures, 0);
      const perRequest = (seconds, path) => Math.round(((seconds * 1000) / requests(path)) * 1000) / 1000;
      const direct = summary(runs.direct, requests('direct'), { nestApp: perRequest(cpu.apiDirect, 'direct') });
      const viaGateway = summary(runs.gateway, requests('gateway'), {
        nestApp: perRequest(cpu.apiViaGateway, 'gateway'),
        gateway: perRequest(cpu.gateway, 'gateway'),
      });
      const addedP99 = Math.round((viaGateway.p99Ms - direct.p99Ms) * 1000) / 1000;
      const result = {
        bench: 'gateway-latency',
        at: new Date().toISOString(),
        machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
        route: `GET ${PATH}`,
        ratePerSecond: RATE,
        slices: `${SLICES} x ${SLICE_SECONDS} s per path, alternating`,
        direct,
        viaGateway,
        addedMs: {
          p50: Math.round((viaGateway.p50Ms - direct.p50Ms) * 1000) / 1000,
          p95: Math.round((viaGateway.p95Ms - direct.p95Ms) * 1000) / 1000,
          p99: addedP99,
        },
        floor: { addedP99Ms: FLOOR_ADDED_P99_MS, met: addedP99 < FLOOR_ADDED_P99_MS },
      };
      await Promise.all(Object.values(pools).map((pool) => pool.close()));
      mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
      const file = join(ROOT, 'bench/results', `gateway-latency-${stamp}.json`);
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      console.log(JSON.stringify(result, null, 2));
      console.log(`written to ${file}`);
    } finally {
      await gateway.stop();
      await api.stop();
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
