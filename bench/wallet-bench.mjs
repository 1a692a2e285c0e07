/* global process */
// `npm run bench:wallet`: the wallet's throughput beside PostgreSQL's own, in one run on this machine.
// Not a CI test. Needs the build (the npm script runs it first), PostgreSQL, NATS and ClickHouse.
//   (a) pgbench TPC-B-like, scale 10, 32 clients, -M prepared, 15 s, on a scratch database
//   (b) bet-then-win rounds, 1,000 players, 32 concurrent clients, on a scratch database
//   (c) the same with one hot wallet taking every bet and win
// (b) and (c) run by two methods when both are available:
//   hub88   — the real HTTP API a game provider calls (POST /api/v1/providers/hub88/transaction/bet|win, RSA-SHA256
//             signed) against a nest-app process this script starts, driven by this script's own HTTP load generator;
//   command — the wallet's command API (WalletService), in process in the nest-app (dist/cli/wallet-load.js).
// In both, the outbox relay runs in its own process (dist/cli/outbox-relay.js) and the API process has
// OUTBOX_RELAY_ENABLED=false: the production topology (docs/operations.md). After each load the script waits for
// the relay to drain the outbox, checks that JetStream holds each event once, and runs wallet:verify.
// Each bet and each win is one wallet transaction. Figures go to bench/results/wallet-<time>.json.
//
// Settings (environment): BENCH_SECONDS (15), BENCH_METHODS (hub88,command), BENCH_RUNS (many,hot),
// BENCH_RELAY (process | inprocess | off: for comparison runs), BENCH_APP_ENV ("KEY=value,..." extra app settings),
// BENCH_NO_WRITE (1: print only, for experiments), BENCH_APP_NODE_OPTIONS / BENCH_RELAY_NODE_OPTIONS (node flags of the
// API and relay processes, e.g. to profile them). The Hub88 runs also report each process group's share of the
// machine's CPU during the timed phase (`cpuShares`: postgres, api, relay, loadGenerator, nats; machineBusy), the same as
// CPU milliseconds per wallet transaction by process (`cpuMsPerTransaction`; `postgres` is the run's own database's
// backends, `postgresShared` the rest of PostgreSQL), and the row versions written per wallet transaction by table
// (`rowVersionsPerTransaction`, pg_stat_user_tables, the relay's publication marks included): the two costs that the
// machine's noise moves least (issue 20).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { hub88Available, runHub88Load } from './lib/hub88-load.mjs';
import {
  BIN,
  CLIENTS,
  ROOT,
  SECONDS,
  databaseUrl,
  psql,
  scratchEnvironment,
  spawnNode,
  startAutoAnalyze,
  verifyAfterLoad,
  waitForEmptyOutbox,
  withScratchDatabase,
} from './lib/bench-support.mjs';

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
const METHODS = (process.env.BENCH_METHODS ?? 'hub88,command').split(',');
const RUNS = (process.env.BENCH_RUNS ?? 'many,hot').split(',');
const RELAY = process.env.BENCH_RELAY ?? 'process';

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

/** The command API load, in process in a nest-app (the load generator shares the app's event loop). */
async function commandLoad(env, run) {
  const args = ['--clients', String(CLIENTS), '--seconds', String(SECONDS)];
  args.push(...(run === 'hot' ? ['--hot'] : ['--wallets', '1000']));
  const child = spawnNode(join(BIN, 'wallet-load.js'), args, env);
  const output = await child.finished;
  const line = output.split('\n').find((candidate) => candidate.startsWith('{"result"'));
  if (!line) throw new Error(`wallet-load ${run} printed no result`);
  return JSON.parse(line).result;
}

/** The relay's own settings; BENCH_RELAY_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles it. */
function relayEnvironment() {
  const nodeOptions = process.env.BENCH_RELAY_NODE_OPTIONS;
  return { LOG_LEVEL: 'info', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
}

async function walletRun(pg, method, run) {
  return withScratchDatabase(`bench_${method}_${run}_${stamp}`, async (name) => {
    const env = scratchEnvironment(name, { OUTBOX_RELAY_ENABLED: RELAY === 'inprocess' ? 'true' : 'false' });
    execFileSync(process.execPath, [join(BIN, 'migrate.js'), 'run'], { env, stdio: 'ignore' });
    const relay =
      RELAY === 'process' ? spawnNode(join(BIN, 'outbox-relay.js'), [], { ...env, ...relayEnvironment() }) : null;
    try {
      if (relay) await relay.waitFor(/outbox relay running/);
      const stopAnalyze = startAutoAnalyze(name);
      const figures = await (
        method === 'hub88'
          ? runHub88Load(env, run, pg.transactionsPerSecond, () => (relay ? waitForEmptyOutbox(name) : undefined))
          : commandLoad(env, run)
      ).finally(stopAnalyze);
      const afterLoad = RELAY === 'off' ? null : await verifyAfterLoad(env, name);
      return { ...figures, afterLoad };
    } finally {
      await relay?.stop();
    }
  });
}

/** "busy 86%: postgres 30%, api 29%, ..." from the shares of one run. */
function cpuText({ machineBusy, ...groups }) {
  const parts = Object.entries(groups)
    .sort(([, a], [, b]) => b - a)
    .map(([group, share]) => `${group} ${Math.round(share * 100)}%`);
  return `busy ${Math.round(machineBusy * 100)}%: ${parts.join(', ')}`;
}

/** "2.9 (api 1.13, postgres 1.0, ...)" */
function perTransactionText({ total, ...parts }) {
  const listed = Object.entries(parts)
    .map(([part, value]) => `${part} ${value}`)
    .join(', ');
  return `${total} (${listed})`;
}

function row(label, tps, latency, extra = '') {
  const cells = [label.padEnd(40), String(tps).padStart(10), latency.padStart(30), extra];
  process.stdout.write(`${cells.join('  ')}\n`);
}

const before = loadavg()[0];
const pg = pgbench();
const exactRatio = (figure) => figure.transactionsPerSecond / pg.transactionsPerSecond;
/** For display; the floors compare the exact ratio (0.298 is not 0.3). */
const ratio = (figure) => Math.round(exactRatio(figure) * 100) / 100;
const methods = {};
for (const method of METHODS) {
  if (method === 'hub88' && !(await hub88Available())) {
    methods.hub88 = { available: false, reason: 'the Hub88 seamless-wallet endpoints are not built or do not answer' };
    continue;
  }
  methods[method] = {};
  try {
    for (const run of RUNS) {
      const figure = await walletRun(pg, method, run);
      methods[method][run === 'hot' ? 'hotWallet' : 'manyPlayers'] = { ...figure, ratioToPgbench: ratio(figure) };
    }
  } catch (error) {
    if (method !== 'hub88') throw error;
    process.stderr.write(`hub88 method failed: ${error.stack}\n`);
    methods.hub88 = { available: false, reason: `the Hub88 run failed: ${String(error.message).slice(0, 500)}` };
  }
}
const METHOD_TEXT = {
  hub88:
    'real HTTP: Hub88 seamless-wallet API (POST /api/v1/providers/hub88/transaction/bet then /transaction/win, ' +
    'RSA-SHA256 X-Hub88-Signature over the raw body, compact JSON) against a separate nest-app process ' +
    '(node dist/main.js, OUTBOX_RELAY_ENABLED=false) started by the bench, from the bench’s own load generator ' +
    '(32 keep-alive HTTP/1.1 connections, one round after another per client; requests signed and written out as ' +
    'bytes before the timed phase, answers read by Content-Length, so that the provider’s side takes little of this ' +
    '2-core machine’s CPU); players registered and games launched ' +
    'through the game module (real sessions and tokens) against a stand-in Hub88 Games API',
  command:
    'in-process command API (WalletService.placeBet then settleWin) in a nest-app process (dist/cli/wallet-load.js, ' +
    'OUTBOX_RELAY_ENABLED=false); no HTTP',
};
const primary = methods.hub88?.manyPlayers ? 'hub88' : 'command';
const floorsOf = (figures) => ({
  manyPlayers: {
    ratio: 0.6,
    p99Ms: 25,
    met:
      Boolean(figures?.manyPlayers) && exactRatio(figures.manyPlayers) >= 0.6 && figures.manyPlayers.latencyMs.p99 < 25,
  },
  hotWallet: { ratio: 0.3, met: Boolean(figures?.hotWallet) && exactRatio(figures.hotWallet) >= 0.3 },
});
const results = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version, loadAverageBefore: before, loadAverageAfter: loadavg()[0] },
  method: METHOD_TEXT[primary],
  topology:
    RELAY === 'process'
      ? 'API process with OUTBOX_RELAY_ENABLED=false + one outbox relay process (node dist/cli/outbox-relay.js)'
      : `outbox relay ${RELAY}`,
  appSettings: process.env.BENCH_APP_ENV ?? '',
  clients: CLIENTS,
  seconds: SECONDS,
  pgbench: pg,
  manyPlayers: methods[primary]?.manyPlayers,
  hotWallet: methods[primary]?.hotWallet,
  floors: floorsOf(methods[primary]),
  methods: Object.fromEntries(
    Object.entries(methods).map(([name, figures]) => [
      name,
      figures.available === false ? figures : { method: METHOD_TEXT[name], ...figures, floors: floorsOf(figures) },
    ]),
  ),
};
row('run', 'tx/s', 'p50 / p95 / p99 ms', 'ratio to pgbench, peak RSS of the nest-app');
row('(a) pgbench TPC-B, 32 clients', pg.transactionsPerSecond, `avg ${pg.latencyAverageMs}`);
for (const [name, figures] of Object.entries(methods)) {
  if (figures.available === false) {
    process.stdout.write(`${name}: not run (${figures.reason})\n`);
    continue;
  }
  for (const [label, figure] of [
    [`(b) ${name} bet+win, 1000 players`, figures.manyPlayers],
    [`(c) ${name} bet+win, one hot wallet`, figures.hotWallet],
  ]) {
    if (!figure) continue;
    const { p50, p95, p99 } = figure.latencyMs;
    const lag = figure.afterLoad ? `, outbox drained in ${figure.afterLoad.drainSeconds} s` : '';
    row(
      label,
      figure.transactionsPerSecond,
      `${p50} / ${p95} / ${p99}`,
      `${ratio(figure)}x, ${figure.peakRssMb} MB${lag}`,
    );
    if (figure.cpuShares) process.stdout.write(`${' '.repeat(42)}CPU of the machine: ${cpuText(figure.cpuShares)}\n`);
    for (const [what, costs] of [
      ['CPU ms per transaction', figure.cpuMsPerTransaction],
      ['row versions per transaction', figure.rowVersionsPerTransaction],
    ]) {
      if (costs) process.stdout.write(`${' '.repeat(42)}${what}: ${perTransactionText(costs)}\n`);
    }
  }
  const floors = floorsOf(figures);
  process.stdout.write(
    `${name} floors: (b) >= 0.6x with p99 < 25 ms: ${floors.manyPlayers.met ? 'met' : 'NOT met'}; ` +
      `(c) >= 0.3x: ${floors.hotWallet.met ? 'met' : 'NOT met'}\n`,
  );
}
process.stdout.write(`load average (1 min) before ${before.toFixed(2)}, after ${loadavg()[0].toFixed(2)}\n`);
if (process.env.BENCH_NO_WRITE === '1') process.stdout.write(`${JSON.stringify(results.methods)}\n`);
else {
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', `wallet-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`written to ${file}\n`);
}
