/* global process, performance, TextEncoder, URL, fetch, FormData, Blob */
// The ETL half of `npm run bench:reports`: wallet-transaction events in JetStream, loaded into ClickHouse by the
// compiled worker-etl. Throughput (events published in advance, then the worker started) and lag (a steady rate
// published while the worker runs).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './bench-support.mjs';
import {
  CLICKHOUSE_URL,
  clickhouse,
  clickhouseRows,
  cpuSeconds,
  pidOf,
  sleep,
  startWorker,
  summary,
} from './reports-support.mjs';

const require = createRequire(join(ROOT, 'backend/worker-etl/package.json'));
const { connect, headers: natsHeaders } = require('nats');
const { EVENT_STREAMS, WALLET_TRANSACTION_COMPLETED, streamNameFor, subjectFor } = require('@casino/contracts');
const { ensureStreams, migrateClickHouse } = require('@casino/platform');

const MIGRATIONS = join(ROOT, 'backend/nest-app/src/infra/clickhouse/migrations');
const DURABLE = 'worker-etl-facts-wallet';
const PLAYERS = 10_000;
const GAMES = 200;
const CURRENCIES = ['EUR', 'EUR', 'EUR', 'GBP', 'USD', 'SEK'];
const COUNTRIES = { EUR: 'DE', GBP: 'GB', USD: 'CA', SEK: 'SE' };
const IN_FLIGHT = 2000;
/** A load that gains no row for this long is given up (its batches fail and come back): reported as stalled. */
const STALL_MS = Number(process.env.REPORTS_BENCH_STALL_SECONDS ?? 45) * 1000;
const encoder = new TextEncoder();

/** The players every event belongs to, with their wallet and ledger accounts (one cash account each). */
export function makePlayers() {
  return Array.from({ length: PLAYERS }, (_, index) => {
    const currency = CURRENCIES[index % CURRENCIES.length];
    return {
      userId: randomUUID(),
      walletId: randomUUID(),
      cashAccountId: randomUUID(),
      currency,
      country: COUNTRIES[currency],
      brand: index % 3 === 0 ? 'nova' : 'aurora',
    };
  });
}

const GAME_ACCOUNT = randomUUID();

/**
 * The i-th event as the wallet writes it to the outbox (WalletTransactionCompletedEvent of libs/contracts): bets
 * and wins of Hub88 rounds, the player's cash against the game settlement account.
 */
function walletEvent(players, index, occurredAt) {
  const player = players[index % PLAYERS];
  const type = index % 5 < 3 ? 'bet' : 'win';
  const amount = 100 + ((index * 7919) % 5000);
  const signed = type === 'bet' ? -amount : amount;
  const { currency } = player;
  return {
    id: randomUUID(),
    type: WALLET_TRANSACTION_COMPLETED,
    version: 1,
    occurredAt,
    aggregateId: player.walletId,
    correlationId: randomUUID(),
    payload: {
      walletId: player.walletId,
      userId: player.userId,
      transactionId: randomUUID(),
      transactionType: type,
      currency,
      amount: String(amount),
      entries: [
        { accountId: player.cashAccountId, accountKind: 'player_cash', amount: String(signed), currency },
        { accountId: GAME_ACCOUNT, accountKind: 'game_settlement', amount: String(-signed), currency },
      ],
      balanceAfter: { cash: '100000', bonus: '0', held: '0', available: '100000', currency },
      reference: { provider: 'hub88', gameCode: `game-${index % GAMES}`, round: `round-${Math.floor(index / 2)}` },
      idempotencyScope: 'hub88',
    },
  };
}

/** Publishes as NatsEventBus does: the stream's subject, the event id as message id, type and version headers. */
export function publisher(connection, prefix) {
  const jetstream = connection.jetstream({ timeout: 10_000 });
  const subject = subjectFor(prefix, EVENT_STREAMS.WALLET, WALLET_TRANSACTION_COMPLETED);
  return (event) => {
    const header = natsHeaders();
    header.set('Event-Type', event.type);
    header.set('Event-Version', String(event.version));
    return jetstream.publish(subject, encoder.encode(JSON.stringify(event)), { msgID: event.id, headers: header });
  };
}

export async function publishAll(publish, players, count) {
  const started = performance.now();
  const inFlight = new Set();
  for (let index = 0; index < count; index += 1) {
    const ack = publish(walletEvent(players, index, new Date().toISOString())).then(() => inFlight.delete(ack));
    inFlight.add(ack);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return (performance.now() - started) / 1000;
}

export async function freshDatabase(database, players) {
  await clickhouse(`DROP DATABASE IF EXISTS ${database}`);
  // A new database no worker loads yet: a migration naming load locks (ADR 0015) needs none here.
  await migrateClickHouse(
    { url: CLICKHOUSE_URL, database, username: 'default', password: '' },
    MIGRATIONS,
    (_t, apply) => apply(),
  );
  const rows = players.map((p) =>
    JSON.stringify({
      user_id: p.userId,
      registered_at: 1_700_000_000,
      country: p.country,
      currency: p.currency,
      brand: p.brand,
      version: 1,
    }),
  );
  await clickhouse(`INSERT INTO players FORMAT JSONEachRow\n${rows.join('\n')}`, { database });
}

export const factCount = async (database) =>
  Number(await clickhouse('SELECT count() FROM wallet_transactions', { database }));

/** Rows each table received: the parts inserts made (level 0), merged or not yet. */
async function rowsWritten(database) {
  const rows = await clickhouseRows(
    `SELECT table, toString(sum(rows)) AS rows FROM system.parts WHERE database = '${database}' AND level = 0 ` +
      'GROUP BY table ORDER BY table',
  );
  return Object.fromEntries(rows.map((row) => [row.table, Number(row.rows)]));
}

export function workerEnvironment(prefix, database, extra) {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    CLICKHOUSE_URL,
    REDIS_KEY_PREFIX: `${prefix}:`,
    QUEUE_PREFIX: `${prefix}-bull`,
    NATS_SUBJECT_PREFIX: prefix,
    CLICKHOUSE_DATABASE: database,
    MAIL_DELIVERY_ENABLED: 'false',
    SMS_DELIVERY_ENABLED: 'false',
    REPORT_EXPORTS_ENABLED: 'false',
    ...extra,
  };
}

/** A pino line's message and error, shortened (the look-up's SQL text would fill the page). */
function warningText(line) {
  try {
    const entry = JSON.parse(line);
    return `${entry.msg}: ${String(entry.err?.message ?? '').slice(0, 300)}`;
  } catch {
    return line.slice(0, 300);
  }
}

/** The shared servers' CPU seconds, to show where the machine's time went during a load. */
function serverCpu() {
  const clickhousePid = pidOf('clickhouse-server');
  const natsPid = pidOf('nats-server');
  return { clickhouse: clickhousePid && cpuSeconds(clickhousePid), nats: natsPid && cpuSeconds(natsPid) };
}

const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Self time of a --cpu-prof profile by category and by function: where the worker's CPU went. */
export function profileSummary(directory) {
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return null;
  const profile = JSON.parse(readFileSync(join(directory, file), 'utf8'));
  const intervalMs = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byFunction = new Map();
  const byCategory = new Map();
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * intervalMs;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      .replace(/^.*node_modules\//, '')
      .replace(/^.*\/dist\//, 'dist/')
      .replace(`file://${ROOT}/`, '');
    add(byFunction, `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`, ms);
    add(byCategory, categoryOf(functionName, url), ms);
  }
  const total = [...byCategory.values()].reduce((a, b) => a + b, 0);
  const top = (map, count) =>
    [...map]
      .sort(([, a], [, b]) => b - a)
      .slice(0, count)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: round(ms / total) }));
  return { sampledMs: Math.round(total), categories: top(byCategory, 20), functions: top(byFunction, 20) };
}

function categoryOf(functionName, url) {
  if (url === '') {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === 'parse') return 'JSON.parse (event decode, ClickHouse answers)';
    if (['readFileUtf8', 'internalModuleStat', 'compileFunction'].includes(functionName))
      return 'boot (module loading)';
    if (functionName === 'stringify') return 'JSON.stringify (insert body)';
    return `native: ${functionName}`;
  }
  if (url.includes('/nats/')) return 'nats client (fetch, ack)';
  if (url.includes('@clickhouse/client')) return 'ClickHouse client';
  if (url.includes('ioredis')) return 'ioredis (load lock)';
  if (url.includes('fact-rows')) return 'event to row (fact-rows)';
  if (url.includes('fact-table-loader') || url.includes('clickhouse/sql'))
    return 'keyed look-up and insert (loader, SQL text)';
  if (url.includes('batch-consumer')) return 'batch consumer (decode loop, acks)';
  if (url.includes('facts-loader')) return 'facts loader (players look-up, lag)';
  if (url.startsWith('node:internal/modules') || functionName === 'wrapSafe') return 'boot (module loading)';
  if (url.startsWith('node:')) return `node: ${url.replace('node:', '').split('/')[0]}`;
  return 'other';
}

/** One load: a fresh ClickHouse database, a fresh durable consumer, the worker from start until all N rows are in. */
async function throughputRun({ connection, prefix, players, count, batchRows, profile }) {
  const database = `${prefix}_etl_${batchRows}${profile ? '_prof' : ''}`;
  await freshDatabase(database, players);
  const manager = await connection.jetstreamManager();
  await manager.consumers.delete(streamNameFor(prefix, EVENT_STREAMS.WALLET), DURABLE).catch(() => false);
  const profileDirectory = profile ? mkdtempSync(join(tmpdir(), 'bench-reports-prof-')) : null;
  const spawned = performance.now();
  const worker = await startWorker(
    workerEnvironment(prefix, database, { ETL_BATCH_MAX_ROWS: String(batchRows) }),
    20_000 + Math.floor(Math.random() * 20_000),
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : [],
  );
  const live = performance.now();
  const cpuAtLive = cpuSeconds(worker.pid);
  const serversAtLive = serverCpu();
  let first = null;
  let loaded = 0;
  let progressAt = performance.now();
  try {
    while (loaded < count) {
      await sleep(50);
      const now = await factCount(database);
      if (now > loaded) progressAt = performance.now();
      loaded = now;
      if (first === null && loaded > 0) first = { at: performance.now(), rows: loaded };
      if (performance.now() - progressAt > STALL_MS) {
        return {
          batchMaxRows: batchRows,
          events: count,
          stalled: true,
          rowsLoaded: loaded,
          secondsWithoutProgress: STALL_MS / 1000,
          workerWarnings: worker.warnings().map(warningText),
          floorEventsPerSecond: 50_000,
          met: false,
        };
      }
    }
    const done = performance.now();
    const cpuAtDone = cpuSeconds(worker.pid);
    const serversAtDone = serverCpu();
    const seconds = (done - live) / 1000;
    const written = await rowsWritten(database);
    const distinct = Number(
      await clickhouse('SELECT uniqExact(transaction_id) FROM wallet_transactions', { database }),
    );
    const costs = profile ? null : await batchCosts(database, players, batchRows);
    return {
      batchMaxRows: batchRows,
      events: count,
      workerStartSeconds: round((live - spawned) / 1000),
      loadSeconds: round(seconds),
      eventsPerSecond: Math.round(count / seconds),
      eventsPerSecondFirstToLastRow:
        first && done > first.at ? Math.round((count - first.rows) / ((done - first.at) / 1000)) : null,
      workerCpuSeconds: round(cpuAtDone - cpuAtLive),
      workerCpuSecondsPer1000Events: round(((cpuAtDone - cpuAtLive) / count) * 1000, 4),
      workerCpuShareOfOneCore: round((cpuAtDone - cpuAtLive) / seconds),
      clickhouseServerCpuSeconds:
        serversAtDone.clickhouse === null ? null : round(serversAtDone.clickhouse - serversAtLive.clickhouse),
      natsServerCpuSeconds: serversAtDone.nats === null ? null : round(serversAtDone.nats - serversAtLive.nats),
      clickhouseServerCpuSecondsPer1000Events:
        serversAtDone.clickhouse === null
          ? null
          : round(((serversAtDone.clickhouse - serversAtLive.clickhouse) / count) * 1000, 4),
      factRowsPerEvent: round(loaded / count, 4),
      distinctTransactionsPerEvent: round(distinct / count, 4),
      rowsWrittenPerEvent: round(Object.values(written).reduce((a, b) => a + b, 0) / count - PLAYERS / count, 3),
      rowsWrittenByTable: written,
      floorEventsPerSecond: 50_000,
      met: count / seconds >= 50_000,
      ...(costs ? { batchCostsMs: costs } : {}),
    };
  } finally {
    await worker.stop();
    if (profileDirectory) {
      const summaryOfProfile = profileSummary(profileDirectory);
      rmSync(profileDirectory, { recursive: true, force: true });
      throughputRun.lastProfile = summaryOfProfile;
    }
    await clickhouse(`DROP DATABASE IF EXISTS ${database}`);
  }
}

/**
 * What one batch costs ClickHouse on the loaded table, timed from here (each its median of five): the loader's keyed
 * look-up (`transaction_id IN (...)`, the table is ordered by event_id), the players look-up, and an INSERT of a batch
 * (with its materialized views).
 */
async function batchCosts(database, players, batchRows) {
  const ids = Array.from({ length: batchRows }, () => `'${randomUUID()}'`).join(', ');
  const users = players
    .slice(0, Math.min(batchRows, PLAYERS))
    .map((p) => `'${p.userId}'`)
    .join(', ');
  const median = async (work) => {
    const times = [];
    try {
      for (let i = 0; i < 5; i += 1) {
        const started = performance.now();
        await work(i);
        times.push(performance.now() - started);
      }
    } catch (error) {
      return `failed: ${String(error.message).slice(0, 160)}`;
    }
    return round(times.sort((a, b) => a - b)[2], 1);
  };
  const keyedLookUp = await median(() =>
    clickhouse(
      `SELECT DISTINCT transaction_id AS k FROM wallet_transactions WHERE transaction_id IN (${ids}) FORMAT JSONEachRow`,
      { database },
    ),
  );
  // As worker-etl sends them (ClickHouseKeySet): the same keys as an external table, never SQL text.
  const keyData = ids.replaceAll("'", '').split(', ');
  const keyedLookUpAsData = await median(() =>
    clickhouseWithKeys(
      'SELECT DISTINCT transaction_id AS k FROM wallet_transactions WHERE transaction_id IN keys',
      keyData,
      database,
    ),
  );
  const playersLookUpAsData = await median(() =>
    clickhouseWithKeys(
      'SELECT user_id, argMax(country, version) AS country, argMax(brand, version) AS brand FROM players ' +
        'WHERE user_id IN keys GROUP BY user_id',
      users.replaceAll("'", '').split(', '),
      database,
    ),
  );
  const playersLookUp = await median(() =>
    clickhouse(
      'SELECT user_id, argMax(country, version) AS country, argMax(brand, version) AS brand FROM players ' +
        `WHERE user_id IN (${users}) GROUP BY user_id FORMAT JSONEachRow`,
      { database },
    ),
  );
  const rows = Array.from({ length: batchRows }, (_, index) => {
    const event = walletEvent(players, index, new Date().toISOString());
    return JSON.stringify({
      event_id: event.id,
      occurred_at: Math.floor(Date.now() / 1000),
      transaction_id: event.payload.transactionId,
      transaction_type: event.payload.transactionType,
      reverses_type: '',
      user_id: event.payload.userId,
      wallet_id: event.payload.walletId,
      currency: event.payload.currency,
      cash_amount: event.payload.entries[0].amount,
      bonus_amount: '0',
      held_amount: '0',
      provider: 'hub88',
      game_code: event.payload.reference.gameCode,
      round_id: event.payload.reference.round,
      idempotency_scope: 'hub88',
      country: 'DE',
      brand: 'nova',
    });
  }).join('\n');
  const insert = await median(() =>
    clickhouse(`INSERT INTO wallet_transactions FORMAT JSONEachRow\n${rows}`, { database }),
  );
  // The same list against a one-row table: what parsing and building the IN set costs, whatever the table's size.
  const inListAlone = await median(() =>
    clickhouse(`SELECT count() FROM system.one WHERE toString(dummy) IN (${ids})`, { database }),
  );
  await clickhouse('CREATE TABLE plain_facts AS wallet_transactions', { database });
  const insertWithoutViews = await median(() =>
    clickhouse(`INSERT INTO plain_facts FORMAT JSONEachRow\n${rows}`, { database }),
  );
  return {
    batchRows,
    keyedLookUp,
    playersLookUp,
    keyedLookUpAsData,
    playersLookUpAsData,
    inListAlone,
    insertWithViews: insert,
    insertWithoutViews,
    budgetAtFloor: round((batchRows / 50_000) * 1000, 1),
  };
}

/** A query reading `keys` (one String column k) sent as external data, as worker-etl's ClickHouseKeySet does. */
async function clickhouseWithKeys(sql, keys, database) {
  const url = new URL(CLICKHOUSE_URL);
  url.searchParams.set('database', database);
  url.searchParams.set('query', `${sql} FORMAT JSONEachRow`);
  url.searchParams.set('keys_structure', 'k String');
  const form = new FormData();
  form.append('keys', new Blob([`${keys.join('\n')}\n`]), 'keys');
  const response = await fetch(url, { method: 'POST', body: form });
  const text = await response.text();
  if (!response.ok) throw new Error(`ClickHouse ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

/** Lag at a steady rate: each row's first sighting in ClickHouse (polled) minus its event's occurredAt. */
async function lagRun({ connection, prefix, players, rate, seconds, batchRows }) {
  const database = `${prefix}_lag_${batchRows}`;
  await freshDatabase(database, players);
  const manager = await connection.jetstreamManager();
  const stream = streamNameFor(prefix, EVENT_STREAMS.WALLET);
  await manager.consumers.delete(stream, DURABLE).catch(() => false);
  await manager.streams.purge(stream);
  const worker = await startWorker(
    workerEnvironment(prefix, database, { ETL_BATCH_MAX_ROWS: String(batchRows) }),
    20_000 + Math.floor(Math.random() * 20_000),
  );
  const publish = publisher(connection, prefix);
  const total = rate * seconds;
  const sentAt = new Float64Array(total);
  const sightings = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const at = Date.now();
      sightings.push([at, await factCount(database)]);
      await sleep(25);
    }
  })();
  try {
    await sleep(1500); // the worker's first fetch is open
    const cpuBefore = cpuSeconds(worker.pid);
    const started = Date.now();
    const acks = [];
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
      for (; sent < due; sent += 1) {
        const now = Date.now();
        sentAt[sent] = now;
        acks.push(publish(walletEvent(players, sent, new Date(now).toISOString())));
      }
      await sleep(5);
    }
    await Promise.all(acks);
    const publishSeconds = (Date.now() - started) / 1000;
    const deadline = Date.now() + 120_000;
    while ((sightings.at(-1)?.[1] ?? 0) < total && Date.now() < deadline) await sleep(50);
    const cpuAfter = cpuSeconds(worker.pid);
    polling = false;
    await poller;
    const lags = [];
    let cursor = 0;
    for (let index = 0; index < total; index += 1) {
      while (cursor < sightings.length && sightings[cursor][1] < index + 1) cursor += 1;
      if (cursor === sightings.length) break;
      lags.push((sightings[cursor][0] - sentAt[index]) / 1000);
    }
    const lagSeconds = summary(lags);
    const histogram = parseHistogram(await worker.metrics(), 'worker_etl_lag_seconds', 'wallet');
    return {
      batchMaxRows: batchRows,
      rateEventsPerSecond: rate,
      seconds,
      events: total,
      publishedInSeconds: round(publishSeconds),
      loaded: lags.length,
      method:
        'each row counted visible at the first 25 ms poll of count() that includes it (one consumer loads in stream order), minus its occurredAt (its publish time)',
      lagSeconds,
      workerCpuShareOfOneCore: round((cpuAfter - cpuBefore) / publishSeconds),
      workerHistogram: histogram,
      floorP99Seconds: 2,
      met: lags.length === total && lagSeconds.p99 < 2,
    };
  } finally {
    polling = false;
    await poller;
    await worker.stop();
    await clickhouse(`DROP DATABASE IF EXISTS ${database}`);
  }
}

/** `worker_etl_lag_seconds{consumer="wallet"}` as cumulative buckets and the bucket bounds of p50/p95/p99. */
function parseHistogram(text, name, consumer) {
  const buckets = [];
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}_bucket\\{(.*)\\} (\\d+)`).exec(line);
    if (!match || !match[1].includes(`consumer="${consumer}"`)) continue;
    const le = /le="([^"]+)"/.exec(match[1])[1];
    buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: Number(match[2]) });
  }
  const total = buckets.at(-1)?.count ?? 0;
  const bound = (p) => buckets.find((bucket) => bucket.count >= (p / 100) * total)?.le ?? null;
  return {
    observations: total,
    p50AtMostSeconds: bound(50),
    p95AtMostSeconds: bound(95),
    p99AtMostSeconds: bound(99),
    cumulativeBuckets: buckets.map((bucket) => [String(bucket.le), bucket.count]),
  };
}

/** Both ETL measurements on one NATS prefix of their own; removes the prefix's streams at the end. */
export async function runEtl({ prefix, count, batchSizes, lagRate, lagSeconds, lagBatchSizes, log }) {
  const connection = await connect({
    servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(','),
    noAsyncTraces: true,
  });
  const players = makePlayers();
  try {
    await ensureStreams(connection, { subjectPrefix: prefix, duplicateWindowSeconds: 120 });
    log(`publishing ${count} wallet-transaction events into ${streamNameFor(prefix, EVENT_STREAMS.WALLET)}`);
    const publishSeconds = await publishAll(publisher(connection, prefix), players, count);
    const info = await (await connection.jetstreamManager()).streams.info(streamNameFor(prefix, EVENT_STREAMS.WALLET));
    log(
      `published in ${round(publishSeconds)} s (${info.state.messages} messages, ${Math.round(info.state.bytes / 2 ** 20)} MiB)`,
    );
    const runs = [];
    for (const batchRows of batchSizes) {
      log(`loading with ETL_BATCH_MAX_ROWS=${batchRows}`);
      const run = await throughputRun({ connection, prefix, players, count, batchRows, profile: false });
      log(JSON.stringify(run));
      runs.push(run);
    }
    let profile = null;
    const loadedRuns = runs.filter((run) => !run.stalled);
    if (runs.some((run) => !run.met) && loadedRuns.length > 0) {
      const fastest = loadedRuns.reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
      log(`floor missed: one more load under --cpu-prof (ETL_BATCH_MAX_ROWS=${fastest.batchMaxRows})`);
      await throughputRun({ connection, prefix, players, count, batchRows: fastest.batchMaxRows, profile: true });
      profile = { batchMaxRows: fastest.batchMaxRows, ...throughputRun.lastProfile };
    }
    const lag = [];
    for (const batchRows of lagBatchSizes) {
      log(`lag at ${lagRate} events/s for ${lagSeconds} s, ETL_BATCH_MAX_ROWS=${batchRows}`);
      const run = await lagRun({ connection, prefix, players, rate: lagRate, seconds: lagSeconds, batchRows });
      log(JSON.stringify(run));
      lag.push(run);
    }
    return {
      throughput: {
        events: count,
        eventBytes: Math.round(info.state.bytes / count),
        publishedInSeconds: round(publishSeconds),
        runs,
        profile,
      },
      lag,
    };
  } finally {
    const manager = await connection.jetstreamManager();
    for (const stream of Object.values(EVENT_STREAMS)) {
      await manager.streams.delete(streamNameFor(prefix, stream)).catch(() => false);
    }
    await connection.close();
  }
}
