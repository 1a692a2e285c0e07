/* global process, URL, fetch, setTimeout */
// Plumbing of the reports benchmark: ClickHouse over HTTP, percentiles, CPU ticks of a process, the compiled worker.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bench-support.mjs';

export const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One ClickHouse statement over HTTP; answers the body's text (TSV unless the statement names a format). */
export async function clickhouse(sql, { database, settings = {} } = {}) {
  const url = new URL(CLICKHOUSE_URL);
  if (database) url.searchParams.set('database', database);
  for (const [name, value] of Object.entries(settings)) url.searchParams.set(name, String(value));
  const response = await fetch(url, { method: 'POST', body: sql });
  const text = await response.text();
  if (!response.ok) throw new Error(`ClickHouse ${response.status}: ${text.slice(0, 500)} (${sql.slice(0, 200)})`);
  return text.trim();
}

export async function clickhouseRows(sql, options) {
  const text = await clickhouse(`${sql} FORMAT JSONEachRow`, options);
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line));
}

/** Nearest-rank percentile of an ascending array, rounded to 0.01. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index] * 100) / 100;
}

export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
  };
}

/** utime + stime of a process in seconds (/proc/<pid>/stat fields 14 and 15), or null when it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The pid of the first process whose command line contains `text` (the shared ClickHouse and NATS servers). */
export function pidOf(text) {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text)) return Number(entry);
    } catch {
      // gone between the listing and the read
    }
  }
  return null;
}

/**
 * The compiled worker-etl as its own process with the given settings; resolves once /health/live answers.
 * `stop()` sends SIGTERM and waits (a --cpu-prof profile is written then).
 */
export async function startWorker(env, port, nodeArgs = [], script = join(ROOT, 'backend/worker-etl/dist/main.js')) {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: ROOT,
    env: { ...env, WORKER_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Its warnings and errors (pino lines, LOG_LEVEL=warn), the last few: why a batch was not loaded.
  const warnings = [];
  let partial = '';
  child.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines.filter((text) => text.trim() !== '')) {
      warnings.push(line);
      if (warnings.length > 5) warnings.shift();
    }
  });
  let exited = false;
  const finished = new Promise((resolve) => child.once('exit', () => resolve((exited = true))));
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (exited) throw new Error('worker-etl exited during start');
    const live = await fetch(`http://127.0.0.1:${port}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (live) {
      return {
        pid: child.pid,
        warnings: () => [...warnings],
        metrics: () => fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()),
        stop: async () => {
          if (!exited) child.kill('SIGTERM');
          await finished;
        },
      };
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('worker-etl did not start');
}
