/* global process, Buffer, URL, fetch, performance, setTimeout */
// The HTTP method of the wallet benchmark: Hub88's seamless-wallet calls against a nest-app process.
// This script plays Hub88: a stand-in for its Games API (the game module launches games through it and
// hands it each session token), and a load generator that signs each wallet call with the test key pair of
// /work/shared/reference/hub88-signature-vectors (RSA-SHA256 over the exact compact-JSON bytes sent).
import { randomUUID, createPrivateKey, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { BIN, CLIENTS, ROOT, SECONDS, psql, spawnNode } from './bench-support.mjs';
import { startCpuShares } from './cpu-shares.mjs';
import { RawHttpClient, requestBytes } from './raw-http-client.mjs';

const VECTORS = process.env.HUB88_VECTORS_DIR ?? '/work/shared/reference/hub88-signature-vectors';
const DIST = join(ROOT, 'backend', 'nest-app', 'dist');
const GAME = { game_code: 'bench_slot', name: 'Bench Slot', category: 'slots', rtp: 96, demo_game_support: false };
const BET = 100_000; // Hub88 amounts are ×100000: 1.00 EUR
const WIN = 50_000;

/** True when the build has the game module's Hub88 wallet endpoints (and the seeding CLI). */
export async function hub88Available() {
  return (
    existsSync(join(DIST, 'modules', 'game', 'hub88', 'hub88-wallet.controller.js')) &&
    existsSync(join(BIN, 'wallet-bench-seed.js')) &&
    existsSync(join(VECTORS, 'private.pem'))
  );
}

/** The Hub88 Games API as far as a launch needs it: the game list, and a URL for each launch (its token kept). */
export async function startGamesApi() {
  const tokens = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/operator/generic/v2/game/list') return res.end(JSON.stringify([GAME]));
      if (req.url === '/operator/generic/v2/game/url') {
        if (body.user && body.token) tokens.set(body.user, body.token);
        return res.end(JSON.stringify({ url: `https://games.example.test/${body.game_code}?t=${tokens.size}` }));
      }
      res.writeHead(404).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, tokens, close: () => server.close() };
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitReady(base, app) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await app.stop();
  throw new Error('nest-app did not become ready');
}

/** Every call of the timed phase, signed and written out as request bytes beforehand: bet then win, `rounds` rounds per client. */
function presign(port, players, gameCode, rounds) {
  const key = createPrivateKey(readFileSync(join(VECTORS, 'private.pem')));
  const call = (path, fields) => {
    const raw = Buffer.from(JSON.stringify({ ...fields, request_uuid: randomUUID() }));
    const headers = {
      'content-type': 'application/json',
      'x-hub88-signature': sign('sha256', raw, key).toString('base64'),
    };
    return requestBytes(port, `/api/v1/providers/hub88/${path}`, headers, raw);
  };
  return Array.from({ length: CLIENTS }, (_, client) =>
    Array.from({ length: rounds }, (_, round) => {
      const player = players[(client + round * CLIENTS) % players.length];
      const bet = randomUUID();
      const common = {
        user: player.userId,
        token: player.token,
        round: `r-${bet}`,
        reward_uuid: null,
        is_free: false,
        is_supplier_promo: false,
        game_code: gameCode,
        currency: 'EUR',
        bet: null,
        meta: null,
      };
      return [
        call('transaction/bet', {
          ...common,
          transaction_uuid: bet,
          supplier_transaction_id: `s-${bet}`,
          round_closed: false,
          amount: BET,
        }),
        call('transaction/win', {
          ...common,
          transaction_uuid: randomUUID(),
          supplier_transaction_id: `s-w-${bet}`,
          reference_transaction_uuid: bet,
          round_closed: true,
          amount: WIN,
        }),
      ];
    }).flat(),
  );
}

/** Each client sends its calls one after another; no new round starts after `seconds`. */
async function drive(port, calls, limitSeconds = Infinity) {
  const clients = calls.map(() => new RawHttpClient(port));
  await Promise.all(clients.map((client) => client.open()));
  const latencies = [];
  const refused = {};
  const started = performance.now();
  const deadline = started + limitSeconds * 1000;
  await Promise.all(
    calls.map(async (queue, client) => {
      for (const [index, call] of queue.entries()) {
        if (index % 2 === 0 && performance.now() >= deadline) break;
        const begin = performance.now();
        const answer = await clients[client].send(call);
        const status = answer.status === 200 ? JSON.parse(answer.body).status : undefined;
        if (status === 'RS_OK') latencies.push(performance.now() - begin);
        else refused[`${answer.status} ${status}`] = (refused[`${answer.status} ${status}`] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const client of clients) client.close();
  return { latencies, refused, seconds };
}

/** The API's group-commit batches so far, by kind: count, inputs and seconds spent (from its /metrics). */
async function batchTotals(port) {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text());
  const totals = {};
  for (const match of text.matchAll(
    /^casino_batch_(size|duration_seconds)_(sum|count)\{batch="([^"]+)"\} ([\d.e+-]+)$/gm,
  )) {
    const [, metric, kind, batch, value] = match;
    totals[batch] ??= { batches: 0, inputs: 0, seconds: 0 };
    if (metric === 'size' && kind === 'count') totals[batch].batches = Number(value);
    if (metric === 'size' && kind === 'sum') totals[batch].inputs = Number(value);
    if (metric === 'duration_seconds' && kind === 'sum') totals[batch].seconds = Number(value);
  }
  // How the ledger's batches ran: as one statement (committed, or aborted and run again under lock) or not tried.
  for (const [, outcome, value] of text.matchAll(
    /^casino_ledger_single_statement_batches_total\{outcome="([^"]+)"\} ([\d.e+-]+)$/gm,
  )) {
    totals[`ledger_single_statement_${outcome}`] = { batches: Number(value), inputs: 0, seconds: 0 };
  }
  return totals;
}

/** Per batch kind over the timed phase: batches, mean inputs per batch, and the share of the time one was running. */
function batchFigures(before, after, seconds) {
  return Object.fromEntries(
    Object.entries(after).map(([kind, total]) => {
      const batches = total.batches - (before[kind]?.batches ?? 0);
      const inputs = total.inputs - (before[kind]?.inputs ?? 0);
      const busy = total.seconds - (before[kind]?.seconds ?? 0);
      return [
        kind,
        {
          batches,
          meanInputs: batches > 0 ? Math.round((inputs / batches) * 10) / 10 : 0,
          busyShare: Math.round((busy / seconds) * 100) / 100,
        },
      ];
    }),
  );
}

function figuresOf({ latencies, refused, seconds }) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (fraction) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
  const round = (value) => Math.round(value * 100) / 100;
  return {
    transactions: sorted.length,
    refused: Object.values(refused).reduce((sum, n) => sum + n, 0),
    refusedByStatus: refused,
    seconds: round(seconds),
    transactionsPerSecond: round(sorted.length / seconds),
    latencyMs: { p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0) },
  };
}

/**
 * Seeds players through the game module, starts nest-app (HTTP, relay off), and drives bet-then-win
 * rounds for BENCH_SECONDS, from calls signed beforehand: enough for that long at `expectedRate`
 * (pgbench's rate) transactions/s; a faster API would run out early and report the shorter time.
 */
/**
 * Row versions written so far, by table (inserted + updated + deleted tuples, pg_stat_user_tables): the cost per
 * wallet transaction ADR 0011 tracks, which the machine's noise does not move.
 */
function rowVersions(database) {
  const text = psql(
    `SELECT coalesce(json_object_agg(relname, n_tup_ins + n_tup_upd + n_tup_del), '{}') FROM pg_stat_user_tables`,
    database,
  );
  return JSON.parse(text);
}

function diff(after, before) {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)]));
}

/** `{ total, ...byKey }` divided by the transaction count, two decimals, parts under 0.005 left out. */
function perTransaction(totals, transactions) {
  const round = (value) => Math.round((value / transactions) * 100) / 100;
  const total = Object.values(totals).reduce((sum, value) => sum + value, 0);
  const entries = Object.entries(totals)
    .map(([key, value]) => [key, round(value)])
    .filter(([, value]) => value > 0)
    .sort(([, a], [, b]) => b - a);
  return { total: round(total), ...Object.fromEntries(entries) };
}

export async function runHub88Load(env, run, expectedRate, waitForQuietOutbox) {
  const gamesApi = await startGamesApi();
  const port = await freePort();
  const appEnv = {
    ...env,
    API_PORT: String(port),
    HUB88_PUBLIC_KEY_FILE: join(VECTORS, 'public.pem'),
    HUB88_OPERATOR_PRIVATE_KEY_FILE: join(VECTORS, 'private.pem'),
    HUB88_OPERATOR_ID: '1',
    HUB88_API_URL: gamesApi.url,
    GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    GAME_KYC_DEPOSIT_THRESHOLD: '1000000000',
    WALLET_USER_CONSUMER_ENABLED: 'false',
  };
  try {
    const seed = spawnNode(join(BIN, 'wallet-bench-seed.js'), ['--players', run === 'hot' ? '1' : '1000'], appEnv);
    const line = (await seed.finished).split('\n').find((candidate) => candidate.startsWith('{"seeded"'));
    if (!line) throw new Error('wallet-bench-seed printed nothing');
    const { gameCode, userIds } = JSON.parse(line).seeded;
    const players = userIds.map((userId) => ({ userId, token: gamesApi.tokens.get(userId) }));
    // Planner statistics for the seeded tables, as autovacuum keeps them in service (pgbench -i does the same;
    // this machine's PostgreSQL runs with autovacuum off).
    psql('SET client_min_messages = error; ANALYZE', new URL(env.DATABASE_URL).pathname.slice(1));
    if (players.some((player) => !player.token)) throw new Error('a launch did not reach the Games API stand-in');
    const rounds = Math.ceil((SECONDS * expectedRate) / (2 * CLIENTS));
    const signing = performance.now();
    const calls = presign(port, players, gameCode, rounds);
    const signedIn = Math.round(performance.now() - signing) / 1000;
    // BENCH_APP_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the API process alone.
    const nodeOptions = process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {};
    const app = spawnNode(join(DIST, 'main.js'), [], { ...appEnv, ...nodeOptions });
    try {
      await waitReady(`http://127.0.0.1:${port}`, app);
      await waitForQuietOutbox();
      // A few rounds first, so that connections, prepared statements and caches are warm, as in service.
      await drive(port, presign(port, players, gameCode, 2));
      const database = new URL(env.DATABASE_URL).pathname.slice(1);
      const commits = () =>
        Number(psql(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`, database));
      await new Promise((resolve) => setTimeout(resolve, 1000)); // statistics are flushed about once a second
      const commitsBefore = commits();
      const rowVersionsBefore = rowVersions(database);
      const batchesBefore = await batchTotals(port);
      const backends = psql(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`, database);
      const cpu = startCpuShares({ postgresPids: new Set(backends.split('\n').filter(Boolean).map(Number)) });
      const figures = figuresOf(await drive(port, calls, SECONDS));
      const { cpuMs, ...cpuShares } = cpu.stop();
      const batches = batchFigures(batchesBefore, await batchTotals(port), figures.seconds);
      await waitForQuietOutbox(); // the relay's publication marks are row versions of these transactions too
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const databaseCommitsPerTransaction = Math.round(((commits() - commitsBefore) / figures.transactions) * 10) / 10;
      const peakRssMb = app.peakRssMb();
      return {
        ...figures,
        peakRssMb,
        roundsPerClient: rounds,
        presignSeconds: signedIn,
        databaseCommitsPerTransaction,
        rowVersionsPerTransaction: perTransaction(diff(rowVersions(database), rowVersionsBefore), figures.transactions),
        cpuMsPerTransaction: perTransaction(cpuMs, figures.transactions),
        cpuShares,
        batches,
      };
    } finally {
      await app.stop();
    }
  } finally {
    gamesApi.close();
  }
}
