// `npm run bench:exports`: peak RSS and time of worker-etl writing a 1,000,000-row report export, per format.
// Not a CI test. Needs the build (the npm script runs it first) and the local services (Redis, NATS, ClickHouse).
// For each format it starts the compiled worker-etl as its own process (so each peak is that format's), enqueues one
// `export-report` job over 1,000,000 generated rows (a string, two money columns beyond 2^53, an integer, a decimal,
// a date and a datetime), waits for it, and reads the worker's peak resident set (VmHWM in /proc/<pid>/status).
// The floor: under 300 MB. Figures go to bench/results/exports-<time>.json.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'backend/worker-etl/package.json'));
const { Queue, QueueEvents } = require('bullmq');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const FLOOR_MB = 300;
// The worker's V8 flags, recorded with the figures: by default those worker-etl runs with (scripts/start.sh,
// docs/operations.md); BENCH_WORKER_NODE_OPTIONS='' measures V8's defaults.
const WORKER_NODE_OPTIONS = process.env.BENCH_WORKER_NODE_OPTIONS ?? '--max-old-space-size=192 --max-semi-space-size=8';
const FORMATS = (process.env.BENCH_FORMATS ?? 'csv,xlsx,parquet').split(',');
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
const prefix = `bench_exports_${stamp}`;
const directory = mkdtempSync(join(tmpdir(), 'bench-exports-'));

const SQL = `SELECT concat('player-', toString(number), if(number % 10 = 0, ',"quoted"', '')) AS player,
  toInt64(number) * 1000003 + 9007199254740993 AS stake, -toInt64(number) * 7 AS win, number % 1000 AS bets,
  toDecimal64(number % 100000, 4) / 7 AS rate, toDate('2026-01-01') + number % 365 AS day,
  toDateTime('2026-01-01 00:00:00', 'UTC') + number AS at
  FROM system.numbers LIMIT ${ROWS}`;
const COLUMNS = [
  { name: 'player', label: 'Player', type: 'string' },
  { name: 'stake', label: 'Stake', type: 'money' },
  { name: 'win', label: 'Win', type: 'money' },
  { name: 'bets', label: 'Bets', type: 'integer' },
  { name: 'rate', label: 'Rate', type: 'decimal' },
  { name: 'day', label: 'Day', type: 'date' },
  { name: 'at', label: 'At', type: 'datetime' },
];

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function startWorker(port) {
  const child = spawn(process.execPath, [join(ROOT, 'backend/worker-etl/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      NODE_OPTIONS: WORKER_NODE_OPTIONS,
      LOG_LEVEL: 'warn',
      WORKER_PORT: String(port),
      QUEUE_PREFIX: `${prefix}-bull`,
      REDIS_KEY_PREFIX: `${prefix}:`,
      NATS_SUBJECT_PREFIX: prefix,
      CLICKHOUSE_DATABASE: 'default',
      REPORT_EXPORT_DIR: directory,
      WALLET_ENTRIES_LOADER_ENABLED: 'false',
      MAIL_DELIVERY_ENABLED: 'false',
      SMS_DELIVERY_ENABLED: 'false',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error('worker-etl did not become ready');
}

const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
const queue = new Queue('reports', { connection, prefix: `${prefix}-bull` });
const events = new QueueEvents('reports', { connection, prefix: `${prefix}-bull` });
await events.waitUntilReady();
const results = [];
try {
  for (const [index, format] of FORMATS.entries()) {
    const worker = await startWorker(3900 + index);
    const idleMb = peakRssMb(worker.pid);
    const exportId = randomUUID();
    const started = performance.now();
    const job = await queue.add(
      'export-report',
      { exportId, requestedBy: randomUUID(), format, sql: SQL, columns: COLUMNS },
      { jobId: exportId },
    );
    const result = await job.waitUntilFinished(events, 15 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    const peakMb = peakRssMb(worker.pid);
    const bytes = statSync(join(directory, result.key)).size;
    worker.kill('SIGTERM');
    const row = {
      format,
      rows: Number(result.rows),
      bytes,
      seconds: +seconds.toFixed(2),
      idleRssMb: +idleMb.toFixed(1),
      peakRssMb: +peakMb.toFixed(1),
      underFloor: peakMb < FLOOR_MB,
    };
    results.push(row);
    console.log(JSON.stringify(row));
    rmSync(join(directory, result.key), { force: true });
  }
} finally {
  await events.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  rmSync(directory, { recursive: true, force: true });
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const out = join(ROOT, `bench/results/exports-${stamp}.json`);
writeFileSync(
  out,
  `${JSON.stringify({ at: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version }, rows: ROWS, floorMb: FLOOR_MB, workerNodeOptions: WORKER_NODE_OPTIONS, results }, null, 2)}\n`,
);
console.log(`written ${out}`);
if (results.some((row) => !row.underFloor)) process.exitCode = 1;
