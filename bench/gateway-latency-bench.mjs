/* global process, performance, setTimeout, console, Buffer, fetch */
// `npm run bench:gateway` (its latency part): the latency the gateway adds in front of nest-app at a steady
// 2,000 requests/s. Not a CI test. Needs the build and the local services.
// It starts a stand-in upstream (bench/lib/stub-upstream.mjs: answers at once, so nothing upstream is measured) and
// the compiled gateway in front of it (its own Redis prefix and NATS subjects; edge token check and Redis rate
// limit on every request, as in service), then sends GET /api/v1/games at a fixed rate (open loop: requests leave
// on schedule, not after the previous answer; latency counted from the scheduled time when the generator is late)
// in alternating slices, direct to the upstream and through the gateway, so that both paths see the same machine.
// Half the requests carry a player's access token (BENCH_GATEWAY_TOKEN=none: none do). Figures per path:
// p50/p95/p99/p99.9, CPU µs per request of the load generator, the upstream and the gateway (utime + stime from
// /proc), and the machine's busy share over the slices (1.0: no core was ever idle, other work included); for the
// gateway also its event-loop delay (p99 and max, worst slice) and GC time and pauses by kind (`gatewayRuntime`).
// BENCH_GATEWAY_PINNING=split pins the gateway to CPU 1 and the rest of the bench to CPU 0. The issue's floor: p99
// through the gateway less than 2 ms above direct.
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
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
const { ACCESS_TOKEN_ISSUER: ISSUER, ACCESS_TOKEN_AUDIENCE: AUDIENCE } = require('@casino/contracts');
const JWT_SECRET = 'bench-gateway-latency-secret-0123456789abcdef';

const RATE = Number(process.env.BENCH_GATEWAY_RATE ?? 2000);
const SLICE_SECONDS = Number(process.env.BENCH_GATEWAY_SLICE_SECONDS ?? 10);
const SLICES = Number(process.env.BENCH_GATEWAY_SLICES ?? 3);
const WARMUP_SECONDS = 3;
const FLOOR_ADDED_P99_MS = 2;
const PATH = '/api/v1/games?limit=1';
// BENCH_GATEWAY_TOKEN=none: anonymous requests only (no token check, one rate-limit bucket).
const WITH_TOKEN = process.env.BENCH_GATEWAY_TOKEN !== 'none';
const CLOCK_TICKS = 100;
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** This process's CPU seconds (the load generator's), to the microsecond. */
function ownCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The machine's busy and total CPU seconds (all cores), from /proc/stat. */
function machineSeconds() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS };
}

/**
 * BENCH_GATEWAY_PINNING=split: the gateway alone on CPU 1, the load generator and the stand-in upstream on CPU 0
 * (taskset), so that the gateway never waits for a core behind the processes that measure it. Other processes of
 * the machine still run on both.
 */
function pin(cpuOfPid) {
  if (process.env.BENCH_GATEWAY_PINNING !== 'split') return;
  for (const [pid, cpu] of Object.entries(cpuOfPid)) {
    execFileSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
  }
}

/** A player's access token as nest-app signs it (HS256, its issuer and audience), valid for the bench's length. */
function playerToken(secret) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: randomUUID(), sid: randomUUID(), iat: now, exp: now + 900, iss: ISSUER, aud: AUDIENCE };
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** One sample's value from Prometheus text, e.g. `nodejs_gc_duration_seconds_sum{kind="major"}`; 0 when absent. */
function sample(text, name, labels = '') {
  const prefix = labels ? `${name}{${labels}` : `${name} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

const GC_KINDS = ['minor', 'major', 'incremental', 'weakcb'];

/** The gateway's garbage-collection totals so far (prom-client's default metrics), by kind. */
function gcTotals(text) {
  return Object.fromEntries(
    GC_KINDS.map((kind) => [
      kind,
      {
        seconds: sample(text, 'nodejs_gc_duration_seconds_sum', `kind="${kind}"`),
        pauses: sample(text, 'nodejs_gc_duration_seconds_count', `kind="${kind}"`),
        over10ms:
          sample(text, 'nodejs_gc_duration_seconds_count', `kind="${kind}"`) -
          sample(text, 'nodejs_gc_duration_seconds_bucket', `le="0.01",kind="${kind}"`),
      },
    ]),
  );
}

/**
 * The gateway's event-loop delay and GC over one slice, from its /metrics: prom-client resets its event-loop
 * histogram on every scrape, so a scrape before the slice starts it afresh and the one after reads the slice alone.
 */
async function runtimeSlice(gatewayPort, slice) {
  const scrape = async () => (await fetch(`http://127.0.0.1:${gatewayPort}/metrics`)).text();
  const before = gcTotals(await scrape());
  await slice();
  const text = await scrape();
  const after = gcTotals(text);
  return {
    eventLoopDelayMs: {
      p99: sample(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
      max: sample(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
    },
    gc: Object.fromEntries(
      GC_KINDS.map((kind) => [
        kind,
        {
          ms: (after[kind].seconds - before[kind].seconds) * 1000,
          pauses: after[kind].pauses - before[kind].pauses,
          over10ms: after[kind].over10ms - before[kind].over10ms,
        },
      ]),
    ),
  };
}

/** Slices' runtime figures together: the worst event-loop delay, GC added up (ms per 1,000 requests too). */
function runtimeSummary(slices, requests) {
  const round = (value) => Math.round(value * 100) / 100;
  const gc = Object.fromEntries(
    GC_KINDS.map((kind) => {
      const ms = slices.reduce((sum, slice) => sum + slice.gc[kind].ms, 0);
      const pauses = slices.reduce((sum, slice) => sum + slice.gc[kind].pauses, 0);
      const over10ms = slices.reduce((sum, slice) => sum + slice.gc[kind].over10ms, 0);
      return [kind, { ms: round(ms), msPer1000Requests: round((ms * 1000) / requests), pauses, over10ms }];
    }),
  );
  return {
    eventLoopDelayMs: {
      p99WorstSlice: round(Math.max(...slices.map((slice) => slice.eventLoopDelayMs.p99))),
      maxWorstSlice: round(Math.max(...slices.map((slice) => slice.eventLoopDelayMs.max))),
    },
    gc,
  };
}

function quantile(sorted, q) {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Sends GET PATH at RATE per second for `seconds`, open loop; returns each answer's latency (ms) and failures.
 * Every other request carries a player's token (a signed-in player's read), the rest none (an anonymous read).
 */
async function steady(pool, seconds, token) {
  const headers = [{}, token ? { authorization: `Bearer ${token}` } : {}];
  const latencies = [];
  let failures = 0;
  const inFlight = [];
  const started = performance.now();
  const total = Math.round(RATE * seconds);
  for (let sent = 0; sent < total; sent += 1) {
    const due = started + (sent * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    // Latency from the scheduled send time when the generator is late, so that its own delay counts (no coordinated
    // omission); from the actual send time when it is early (a wait under 1 ms is not slept).
    const start = Math.min(due, performance.now());
    inFlight.push(
      pool
        .request({ method: 'GET', path: PATH, headers: headers[sent % 2] })
        .then(async ({ statusCode, body }) => {
          await body.dump();
          if (statusCode === 200) latencies.push(performance.now() - start);
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

function summary(runs, cpu) {
  const sorted = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const requests = runs.reduce((sum, run) => sum + run.latencies.length + run.failures, 0);
  const round = (value) => (value === null ? null : Math.round(value * 1000) / 1000);
  const perRequestUs = (seconds) => Math.round((seconds * 1e6) / requests);
  return {
    requests,
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    achievedRate: Math.round(requests / runs.reduce((sum, run) => sum + run.seconds, 0)),
    p50Ms: round(quantile(sorted, 0.5)),
    p95Ms: round(quantile(sorted, 0.95)),
    p99Ms: round(quantile(sorted, 0.99)),
    p999Ms: round(quantile(sorted, 0.999)),
    maxMs: round(sorted.at(-1) ?? null),
    // CPU time per request of each process (user + system), and the machine's busy share over the slices.
    cpuUsPerRequest: Object.fromEntries(Object.entries(cpu.processes).map(([name, s]) => [name, perRequestUs(s)])),
    machineBusyShare: Math.round((cpu.machine.busy / cpu.machine.total) * 100) / 100,
  };
}

/** CPU seconds of each process and of the machine, for adding up over the slices. */
function cpuNow(processes) {
  return {
    processes: Object.fromEntries(
      Object.entries(processes).map(([name, pid]) => [name, pid ? cpuSeconds(pid) : ownCpuSeconds()]),
    ),
    machine: machineSeconds(),
  };
}

function addCpu(total, before, after) {
  for (const name of Object.keys(after.processes)) {
    total.processes[name] = (total.processes[name] ?? 0) + after.processes[name] - before.processes[name];
  }
  total.machine.busy += after.machine.busy - before.machine.busy;
  total.machine.total += after.machine.total - before.machine.total;
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
    JWT_SECRET,
  });
  const upstream = spawnNode(join(ROOT, 'bench/lib/stub-upstream.mjs'), [], env);
  // BENCH_GATEWAY_NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/gw-prof`): V8 flags of the gateway alone.
  const gatewayEnv = { ...env, NODE_OPTIONS: process.env.BENCH_GATEWAY_NODE_OPTIONS ?? '' };
  // BENCH_GATEWAY_NODE_FLAGS (e.g. `--single-threaded-gc`): node flags NODE_OPTIONS does not accept.
  const gatewayFlags = (process.env.BENCH_GATEWAY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const gateway = spawnNode(join(ROOT, 'backend/gateway/dist/main.js'), [], gatewayEnv, gatewayFlags);
  try {
    await upstream.waitFor(/listening/);
    pin({ [process.pid]: 0, [upstream.pid]: 0, [gateway.pid]: 1 });
    await waitReady(`http://127.0.0.1:${gatewayPort}/health/ready`);
    const pools = {
      direct: new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 64 }),
      gateway: new Pool(`http://127.0.0.1:${gatewayPort}`, { connections: 64 }),
    };
    const token = WITH_TOKEN ? playerToken(JWT_SECRET) : undefined;
    for (const pool of Object.values(pools)) await steady(pool, WARMUP_SECONDS, token);
    const runs = { direct: [], gateway: [] };
    const cpu = {};
    const runtime = [];
    const processes = { loadGenerator: undefined, upstream: upstream.pid, gateway: gateway.pid };
    for (let slice = 0; slice < SLICES; slice += 1) {
      for (const path of ['direct', 'gateway']) {
        cpu[path] ??= { processes: {}, machine: { busy: 0, total: 0 } };
        const before = cpuNow(processes);
        const slice = async () => runs[path].push(await steady(pools[path], SLICE_SECONDS, token));
        if (path === 'gateway') runtime.push(await runtimeSlice(gatewayPort, slice));
        else await slice();
        addCpu(cpu[path], before, cpuNow(processes));
      }
    }
    const direct = summary(runs.direct, cpu.direct);
    const viaGateway = summary(runs.gateway, cpu.gateway);
    const added = (key) => Math.round((viaGateway[key] - direct[key]) * 1000) / 1000;
    const result = {
      bench: 'gateway-latency',
      at: new Date().toISOString(),
      machine: { node: process.version, cpus: cpus().length, loadAverage: loadavg() },
      route: `GET ${PATH} (a stand-in upstream answering at once)`,
      requests: WITH_TOKEN ? "half anonymous, half with a player's access token" : 'anonymous',
      pinning: process.env.BENCH_GATEWAY_PINNING ?? 'none',
      gatewayNodeFlags: gatewayFlags.join(' '),
      ratePerSecond: RATE,
      slices: `${SLICES} x ${SLICE_SECONDS} s per path, alternating`,
      direct,
      viaGateway,
      addedMs: { p50: added('p50Ms'), p95: added('p95Ms'), p99: added('p99Ms') },
      // Where a tail comes from: the gateway's own event-loop delay and garbage collection during its slices.
      gatewayRuntime: runtimeSummary(runtime, viaGateway.requests),
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
