/* global process, URL, performance, setTimeout, clearTimeout, setInterval, clearInterval */
// Shared plumbing of the wallet benchmark: scratch databases, child processes, checks after a load.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { disposeIsolatedResources, isolatedSettings } from '@casino/platform/testing';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'backend', 'nest-app', 'dist', 'cli');
export const CLIENTS = 32;
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://casino:casino@127.0.0.1:5432/casino';
const require = createRequire(import.meta.url);
const { loadAppConfig } = require(join(ROOT, 'backend', 'nest-app', 'dist', 'config', 'load-app-config.js'));

export function databaseUrl(name) {
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export function psql(statement, database = 'postgres') {
  return execFileSync('psql', [databaseUrl(database), '-qAtc', statement], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** `BENCH_APP_ENV="WALLET_BATCH_MAX_SIZE=64,OUTBOX_RELAY_BATCH_SIZE=1000"`: extra settings for tuning runs. */
function appSettingsFromEnvironment() {
  const text = process.env.BENCH_APP_ENV ?? '';
  return Object.fromEntries(
    text
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => pair.split('=').map((part) => part.trim())),
  );
}

/** The environment of every process of one run: its own database, Redis prefix, NATS streams, ClickHouse db. */
export function scratchEnvironment(name, extra = {}) {
  return {
    ...process.env,
    ...isolatedSettings(name),
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl(name),
    MIGRATIONS_RUN_ON_START: 'false',
    ...extra,
    ...appSettingsFromEnvironment(),
  };
}

export async function withScratchDatabase(name, body) {
  psql(`CREATE DATABASE ${name}`);
  try {
    return await body(name);
  } finally {
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await disposeIsolatedResources(name, loadAppConfig({}));
  }
}

/**
 * A node child process: `finished` resolves with its stdout when it exits 0; `waitFor(pattern)` resolves
 * once its output matches; `stop()` sends SIGTERM and waits; `peakRssMb()` reads its high-water RSS. `nodeFlags` go
 * before the script (V8 flags NODE_OPTIONS refuses, e.g. `--single-threaded-gc`).
 */
export function spawnNode(script, args, env, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  const waiters = [];
  const onOutput = () => {
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(output)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.on('data', (chunk) => {
    output += chunk;
    onOutput();
  });
  child.stderr.on('data', (chunk) => {
    errors += chunk;
    process.stderr.write(chunk);
  });
  let exited = false;
  const finished = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      exited = true;
      for (const waiter of waiters)
        waiter.reject(new Error(`${script} exited (${code ?? signal}) before ${waiter.pattern}`));
      if (code === 0 || signal === 'SIGTERM') resolve(output);
      else reject(new Error(`${script} exited ${code ?? signal}: ${errors.slice(-2000)}`));
    });
  });
  finished.catch(() => undefined);
  return {
    pid: child.pid,
    finished,
    output: () => output,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        if (exited) return reject(new Error(`${script} is not running`));
        const timer = setTimeout(() => reject(new Error(`${script}: no ${pattern} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
      }),
    peakRssMb: () => {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return match ? Math.round(Number(match[1]) / 1024) : null;
    },
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      await finished.catch(() => undefined);
    },
  };
}

/**
 * Autovacuum's auto-analyze, which this machine's PostgreSQL runs without (autovacuum = off): ANALYZE every
 * couple of seconds while the load grows the tables, so that plans follow their sizes as they would in service
 * (without it, plans made for the empty tables of a fresh database scan them whole on every call).
 */
export function startAutoAnalyze(name, everyMs = 5_000) {
  let running = null;
  const timer = setInterval(() => {
    if (running) return;
    running = new Promise((resolve) => {
      const child = spawn('psql', [databaseUrl(name), '-qc', 'ANALYZE'], { stdio: 'ignore' });
      child.once('exit', resolve);
      child.once('error', resolve);
    }).then(() => {
      running = null;
    });
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pendingOutboxRows(name) {
  return Number(psql('SELECT count(*) FROM outbox_events WHERE published_at IS NULL', name));
}

/** Waits until the relay has published every outbox row. */
export async function waitForEmptyOutbox(name) {
  const started = performance.now();
  while (pendingOutboxRows(name) > 0) {
    if (performance.now() - started > 180_000) throw new Error(`${name}: the relay did not drain the outbox`);
    await sleep(100);
  }
}

/**
 * After a load: how many outbox rows were still pending and how long the relay took to publish them,
 * whether JetStream holds exactly one message per outbox row of each stream (no loss, no duplicate),
 * and whether wallet:verify finds every ledger invariant true.
 */
export async function verifyAfterLoad(env, name) {
  const pendingAtEnd = pendingOutboxRows(name);
  const started = performance.now();
  await waitForEmptyOutbox(name);
  const drainSeconds = Math.round((performance.now() - started) / 100) / 10;
  const perStream = psql('SELECT stream, count(*) FROM outbox_events GROUP BY stream ORDER BY stream', name)
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('|'));
  const { connect } = await import('nats');
  const connection = await connect({ servers: (env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',') });
  const streams = {};
  try {
    const manager = await connection.jetstreamManager();
    for (const [stream, rows] of perStream) {
      const info = await manager.streams.info(`${name}_${stream}`.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase());
      streams[stream] = { outboxRows: Number(rows), jetStreamMessages: info.state.messages };
    }
  } finally {
    await connection.close();
  }
  const eachEventOnce = Object.values(streams).every((s) => s.outboxRows === s.jetStreamMessages);
  let walletVerify = 'passed';
  try {
    execFileSync(process.execPath, [join(BIN, 'wallet-verify.js')], { env, stdio: 'ignore' });
  } catch {
    walletVerify = 'FAILED';
  }
  if (!eachEventOnce || walletVerify !== 'passed') {
    process.stderr.write(`${name}: check failed ${JSON.stringify({ streams, walletVerify })}\n`);
  }
  return { outboxPendingAtEnd: pendingAtEnd, drainSeconds, streams, eachEventOnce, walletVerify };
}
