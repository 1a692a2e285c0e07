/* global process, performance */
// `npm run bench:etl`: what one event costs each process of the ETL path, in CPU microseconds, a figure the other
// loads of a shared machine move far less than a rate. Not a CI test; needs the build and the local ClickHouse and
// Redis. N wallet.transaction.completed events (as in `bench:reports`) are published into a nats-server of this run's
// own (so that its CPU is the ETL's alone), then the compiled worker-etl loads them into a fresh ClickHouse database,
// once per ETL_BATCH_MAX_ROWS value. Until the last row is counted in ClickHouse, the utime + stime (/proc/<pid>/stat)
// of the worker (from its spawn, less the CPU a worker with nothing to load spends booting: it consumes before it
// answers /health/live), of that nats-server and of the shared clickhouse-server (from before the spawn) are divided
// by N. ClickHouse's figure includes whatever else the machine asked of it meanwhile (an upper bound).
// Settings (environment): ETL_BENCH_EVENTS (200000), ETL_BENCH_BATCHES ("5000,20000"), ETL_BENCH_PROFILE (1: one more
// load of the first batch size under --cpu-prof, its self time by category and function), ETL_BENCH_PROFILE_DIR
// (keeps the .cpuprofile there), ETL_BENCH_WORKER (another compiled worker's main.js, relative to the repository, to
// compare), BENCH_NO_WRITE (1: print only). Figures go to bench/results/etl-<time>.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/bench-support.mjs';
import {
  factCount,
  freshDatabase,
  makePlayers,
  profileSummary,
  publishAll,
  publisher,
  workerEnvironment,
} from './lib/reports-etl.mjs';
import { clickhouse, cpuSeconds, pidOf, sleep, startWorker } from './lib/reports-support.mjs';

const require = createRequire(join(ROOT, 'backend/worker-etl/package.json'));
const { connect } = require('nats');
const { EVENT_STREAMS, streamNameFor } = require('@casino/contracts');
const { ensureStreams } = require('@casino/platform');
const { DisposableNats } = require('@casino/platform/testing');

const EVENTS = Number(process.env.ETL_BENCH_EVENTS ?? 200_000);
const BATCHES = (process.env.ETL_BENCH_BATCHES ?? '5000,20000').split(',').map(Number);
const PROFILE = process.env.ETL_BENCH_PROFILE === '1';
const WORKER = join(ROOT, process.env.ETL_BENCH_WORKER ?? 'backend/worker-etl/dist/main.js');
const STALL_MS = 45_000;
const DURABLE = 'worker-etl-facts-wallet';
/** The machine's ClickHouse (others may run their own clickhouse-server beside it). */
const SHARED_CLICKHOUSE = process.env.ETL_BENCH_CLICKHOUSE_CMDLINE ?? '--config-file=/etc/clickhouse-server/config.xml';
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
const prefix = `bench_etl_${stamp}`;
const log = (message) => process.stdout.write(`[bench:etl] ${message}\n`);
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** CPU seconds of each process now. */
function cpuOf(pids) {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSeconds(pid) : null]));
}

/**
 * The worker's CPU from its spawn until it answers /health/live and a second more, with no event to load (a prefix
 * of its own): subtracted from a load's, as the worker starts consuming before it answers.
 */
async function bootCpu(natsUrl, players) {
  const database = `${prefix}_boot`;
  await freshDatabase(database, players);
  const worker = await startWorker(
    workerEnvironment(`${prefix}_boot`, database, { NATS_URL: natsUrl }),
    20_000 + Math.floor(Math.random() * 20_000),
    [],
    WORKER,
  );
  await sleep(1000);
  const seconds = cpuSeconds(worker.pid);
  await worker.stop();
  await clickhouse(`DROP DATABASE IF EXISTS ${database}`);
  return seconds;
}

async function load({ connection, natsUrl, natsPid, players, batchRows, profile, boot }) {
  const database = `${prefix}_${batchRows}${profile ? '_prof' : ''}`;
  await freshDatabase(database, players);
  const manager = await connection.jetstreamManager();
  await manager.consumers.delete(streamNameFor(prefix, EVENT_STREAMS.WALLET), DURABLE).catch(() => false);
  const pids = { nats: natsPid, clickhouse: pidOf(SHARED_CLICKHOUSE) };
  const before = { ...cpuOf(pids), worker: boot };
  const keep = process.env.ETL_BENCH_PROFILE_DIR;
  const profileDirectory = profile ? (keep ?? mkdtempSync(join(tmpdir(), 'bench-etl-prof-'))) : null;
  const worker = await startWorker(
    workerEnvironment(prefix, database, { NATS_URL: natsUrl, ETL_BATCH_MAX_ROWS: String(batchRows) }),
    20_000 + Math.floor(Math.random() * 20_000),
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : [],
    WORKER,
  );
  const started = performance.now();
  let loaded = 0;
  let progressAt = started;
  try {
    while (loaded < EVENTS) {
      await sleep(50);
      const now = await factCount(database);
      if (now > loaded) progressAt = performance.now();
      loaded = now;
      if (performance.now() - progressAt > STALL_MS) {
        return { batchMaxRows: batchRows, stalled: true, rowsLoaded: loaded, workerWarnings: worker.warnings() };
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const after = { ...cpuOf(pids), worker: cpuSeconds(worker.pid) };
    const cpuMicrosecondsPerEvent = Object.fromEntries(
      Object.keys(after).map((name) => [
        name,
        before[name] === null || after[name] === null ? null : round(((after[name] - before[name]) / EVENTS) * 1e6, 1),
      ]),
    );
    const total = Object.values(cpuMicrosecondsPerEvent).reduce((sum, value) => sum + (value ?? 0), 0);
    return {
      batchMaxRows: batchRows,
      events: EVENTS,
      rowsLoaded: loaded,
      loadSecondsFromLive: round(seconds),
      eventsPerSecondFromLive: Math.round(EVENTS / seconds),
      cpuMicrosecondsPerEvent: { ...cpuMicrosecondsPerEvent, total: round(total, 1) },
      // Two cores give 2,000,000 CPU µs a second: the rate the three processes' CPU alone would allow.
      eventsPerSecondTwoCoresAllow: total > 0 ? Math.round(2e6 / total) : null,
    };
  } finally {
    await worker.stop();
    if (profileDirectory) {
      load.lastProfile = profileSummary(profileDirectory);
      if (!keep) rmSync(profileDirectory, { recursive: true, force: true });
    }
    await clickhouse(`DROP DATABASE IF EXISTS ${database}`);
  }
}

const nats = await DisposableNats.start();
const natsPid = pidOf(`-p ${nats.port} `);
const results = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version, loadAverageAtStart: loadavg().map((v) => round(v)) },
  method:
    'utime+stime from /proc/<pid>/stat until the last row is counted in ClickHouse, divided by the events: the worker from its spawn less its boot (workerBootCpuSeconds, a worker with nothing to load), NATS (a nats-server of this run alone) and ClickHouse (the shared server: an upper bound) from before the spawn',
  events: EVENTS,
  runs: [],
};
const connection = await connect({ servers: nats.url, noAsyncTraces: true });
try {
  const players = makePlayers();
  const boot = await bootCpu(nats.url, players);
  results.workerBootCpuSeconds = boot;
  await ensureStreams(connection, { subjectPrefix: prefix, duplicateWindowSeconds: 120 });
  log(`publishing ${EVENTS} events into ${nats.url}`);
  const natsBefore = cpuSeconds(natsPid);
  const publishSeconds = await publishAll(publisher(connection, prefix), players, EVENTS);
  results.publish = {
    seconds: round(publishSeconds),
    natsCpuMicrosecondsPerEvent: round(((cpuSeconds(natsPid) - natsBefore) / EVENTS) * 1e6, 1),
  };
  for (const batchRows of BATCHES) {
    log(`loading with ETL_BATCH_MAX_ROWS=${batchRows}`);
    const run = await load({ connection, natsUrl: nats.url, natsPid, players, batchRows, profile: false, boot });
    log(JSON.stringify(run));
    results.runs.push(run);
  }
  if (PROFILE) {
    log(`one more load under --cpu-prof (ETL_BATCH_MAX_ROWS=${BATCHES[0]})`);
    const run = await load({
      connection,
      natsUrl: nats.url,
      natsPid,
      players,
      batchRows: BATCHES[0],
      profile: true,
      boot,
    });
    results.profile = { batchMaxRows: BATCHES[0], run, ...load.lastProfile };
  }
} finally {
  await connection.close();
  await nats.dispose();
}
results.machine.loadAverageAtEnd = loadavg().map((v) => round(v));
const text = `${JSON.stringify(results, null, 2)}\n`;
process.stdout.write(text);
if (process.env.BENCH_NO_WRITE !== '1') {
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const out = join(ROOT, 'bench', 'results', `etl-${stamp}.json`);
  writeFileSync(out, text);
  log(`written ${out}`);
}
process.exit(0);
