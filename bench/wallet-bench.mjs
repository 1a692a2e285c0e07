// `npm run bench:wallet`: the wallet's throughput beside PostgreSQL's own, in one run on this machine.
// Not a CI test. Needs the build (the npm script runs it first), PostgreSQL, NATS and ClickHouse.
//   (a) pgbench TPC-B-like, scale 10, 32 clients, -M prepared, 15 s, on a scratch database
//   (b) bet-then-win rounds through the wallet's command API, in process (the game provider HTTP API does
//       not exist yet), 1,000 players, 32 concurrent clients, 15 s, outbox relay on, on a scratch database
//   (c) the same with one hot wallet taking every bet and win
// Each bet and each win is one wallet transaction. Figures go to bench/results/wallet-<time>.json.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOAD = join(ROOT, 'backend', 'nest-app', 'dist', 'cli', 'wallet-load.js');
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://casino:casino@127.0.0.1:5432/casino';
const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const CLIENTS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();

function databaseUrl(name) {
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function psql(statement) {
  execFileSync('psql', [databaseUrl('postgres'), '-qAtc', statement], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function pgbench() {
  const name = `bench_pgbench_${stamp}`;
  psql(`CREATE DATABASE ${name}`);
  try {
    execFileSync('pgbench', ['-i', '-s', '10', '-q', databaseUrl(name)], { stdio: 'ignore' });
    const out = execFileSync(
      'pgbench',
      ['-c', String(CLIENTS), '-j', '2', '-M', 'prepared', '-T', String(SECONDS), databaseUrl(name)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
    const latency = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
    return { transactionsPerSecond: Math.round(tps * 100) / 100, latencyAverageMs: latency };
  } finally {
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function walletLoad(label, extraArgs) {
  const name = `bench_wallet_${label}_${stamp}`;
  psql(`CREATE DATABASE ${name}`);
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl(name),
    NATS_SUBJECT_PREFIX: name,
    CLICKHOUSE_DATABASE: name,
    REDIS_KEY_PREFIX: `${name}:`,
    QUEUE_PREFIX: `${name}-bull`,
  };
  try {
    const args = [LOAD, '--clients', String(CLIENTS), '--seconds', String(SECONDS), ...extraArgs];
    const output = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (chunk) => (text += chunk));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`wallet-load ${label} exited ${code}`)),
      );
    });
    const line = output.split('\n').find((candidate) => candidate.startsWith('{"result"'));
    if (!line) throw new Error(`wallet-load ${label} printed no result`);
    return JSON.parse(line).result;
  } finally {
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanUp(name);
  }
}

async function cleanUp(name) {
  await fetch(`${CLICKHOUSE_URL}/?query=${encodeURIComponent(`DROP DATABASE IF EXISTS ${name}`)}`, {
    method: 'POST',
  }).catch(() => undefined);
  const { connect } = await import('nats');
  const connection = await connect({ servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',') });
  try {
    const manager = await connection.jetstreamManager();
    for (const stream of ['USER', 'WALLET', 'GAME', 'PAYMENT']) {
      await manager.streams.delete(`${name.toUpperCase()}_${stream}`).catch(() => false);
    }
  } finally {
    await connection.close();
  }
}

function row(label, tps, latency, extra = '') {
  const cells = [label.padEnd(34), String(tps).padStart(10), latency.padStart(30), extra];
  process.stdout.write(`${cells.join('  ')}\n`);
}

const pg = pgbench();
const many = await walletLoad('many', ['--wallets', '1000']);
const hot = await walletLoad('hot', ['--hot']);
const ratio = (figure) => Math.round((figure.transactionsPerSecond / pg.transactionsPerSecond) * 100) / 100;
const results = {
  at: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  method: 'in-process command API (WalletService) in the nest-app, outbox relay on; no HTTP',
  clients: CLIENTS,
  seconds: SECONDS,
  pgbench: pg,
  manyPlayers: { ...many, ratioToPgbench: ratio(many) },
  hotWallet: { ...hot, ratioToPgbench: ratio(hot) },
  floors: {
    manyPlayers: { ratio: 0.6, p99Ms: 25, met: ratio(many) >= 0.6 && many.latencyMs.p99 < 25 },
    hotWallet: { ratio: 0.3, met: ratio(hot) >= 0.3 },
  },
};
row('run', 'tx/s', 'p50 / p95 / p99 ms', 'ratio to pgbench, peak RSS');
row('(a) pgbench TPC-B, 32 clients', pg.transactionsPerSecond, `avg ${pg.latencyAverageMs}`);
for (const [label, figure] of [
  ['(b) wallet bet+win, 1000 players', many],
  ['(c) wallet bet+win, one hot wallet', hot],
]) {
  const { p50, p95, p99 } = figure.latencyMs;
  row(label, figure.transactionsPerSecond, `${p50} / ${p95} / ${p99}`, `${ratio(figure)}x, ${figure.peakRssMb} MB`);
}
process.stdout.write(
  `floors: (b) >= 0.6x with p99 < 25 ms: ${results.floors.manyPlayers.met ? 'met' : 'NOT met'}; ` +
    `(c) >= 0.3x: ${results.floors.hotWallet.met ? 'met' : 'NOT met'}\n`,
);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const file = join(ROOT, 'bench', 'results', `wallet-${stamp}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`written to ${file}\n`);
