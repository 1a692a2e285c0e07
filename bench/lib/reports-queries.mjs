/* global process, performance, fetch, setTimeout */
// The query half of `npm run bench:reports`: GGR by day × game over 30 days on generated bets, through
// POST /api/v1/reports/query of a compiled nest-app process, uncached and cached, beside the statements' own time.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, databaseUrl, psql, spawnNode } from './bench-support.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { profileSummary } from './reports-etl.mjs';
import { CLICKHOUSE_URL, clickhouse, clickhouseRows, summary } from './reports-support.mjs';

const DIST = join(ROOT, 'backend/nest-app/dist');
const require = createRequire(join(ROOT, 'backend/nest-app/package.json'));
const DAY = 86_400;
const GAMES = 200;
const PLAYERS = 50_000;
const CONCURRENCY = 4;
const FLOORS = { uncachedP99Ms: 200, cachedP99Ms: 5 };
const CURRENCIES = ['EUR', 'GBP', 'USD', 'SEK'];

/** The 30 closed days the bets fall on: they end three days before today (UTC), so results cache for a day. */
function window() {
  const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
  const start = today - 33 * DAY;
  const date = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);
  return { start, dateRange: { from: date(start), to: date(start + 29 * DAY) } };
}

/**
 * `count` rows of wallet_transactions in one INSERT ... SELECT, as worker-etl would write them (so migration 003's
 * views fill gaming_15m and player_activity_15m as the loader does): uniform over the 30 days, games skewed (the
 * square of a uniform number: game-0 is the most played), each player with one currency, country and brand.
 */
export function factsInsert(type, count, start, salt, offset = 0) {
  const h = (expression) => `intHash64(${expression} + ${salt})`;
  const player = `(${h('number')} % ${PLAYERS})`;
  const game = `toUInt32(${GAMES} * pow((${h('number * 3')} % 1000000) / 1000000, 2))`;
  const amount = type === 'bet' ? `-toInt64(100 + ${h('number * 5')} % 5000)` : `toInt64(${h('number * 5')} % 12000)`;
  return `INSERT INTO wallet_transactions
    SELECT concat('ev-${type}-', toString(number)) AS event_id,
      toDateTime(${start} + ${h('number * 7')} % ${30 * DAY}) AS occurred_at,
      concat('tx-${type}-', toString(number)) AS transaction_id, '${type}' AS transaction_type, '' AS reverses_type,
      concat('player-', toString(${player})) AS user_id, concat('wallet-', toString(${player})) AS wallet_id,
      toFixedString(arrayElement(['EUR', 'EUR', 'EUR', 'GBP', 'USD', 'SEK'], ${player} % 6 + 1), 3) AS currency,
      ${amount} AS cash_amount, toInt64(0) AS bonus_amount, toInt64(0) AS held_amount,
      arrayElement(['hub88', 'pragmatic', 'evolution', 'netent'], ${game} % 4 + 1) AS provider, '' AS payment_method,
      concat('game-', toString(${game})) AS game_code, concat('round-', toString(number)) AS round_id,
      'hub88' AS idempotency_scope,
      arrayElement(['DE', 'FI', 'AT', 'GB', 'CA', 'SE'], ${player} % 6 + 1) AS country,
      if(${player} % 3 = 0, 'nova', 'aurora') AS brand
    FROM (SELECT number + ${offset} AS number FROM numbers(${count}))`;
}

const GAMING_ROLLUP_TABLES = ['gaming_15m', 'gaming_1h', 'gaming_1d'];

/**
 * REPORTS_BENCH_FACTS_FROM: the rollups of a database the same generation filled today (kept from an earlier run),
 * copied table to table instead of generating the facts again (minutes on a busy machine): what a run before and
 * after a change needs to measure both on the same rows. wallet_transactions itself is not copied (nothing reads it).
 */
async function copyRollups(source, database) {
  for (const table of [...GAMING_ROLLUP_TABLES, 'money_15m', 'player_activity_15m', 'first_deposits']) {
    await clickhouse(`INSERT INTO ${table} SELECT * FROM ${source}.${table}`, { database });
  }
}

/** A rollup's rows and active parts. */
async function rollupShape(table, database) {
  const [rows, parts] = await Promise.all([
    clickhouse(`SELECT count() FROM ${table}`, { database }),
    clickhouse(`SELECT count() FROM system.parts WHERE database = '${database}' AND table = '${table}' AND active`),
  ]);
  return { rows: Number(rows), parts: Number(parts) };
}

/**
 * In INSERTs of at most a million facts: one of ten million through the views outlasts the HTTP client's 300 s
 * headers timeout on a busy machine (ClickHouse answers an INSERT only once it is done).
 */
async function insertFacts(type, count, start, salt, database) {
  const chunk = 1_000_000;
  for (let offset = 0; offset < count; offset += chunk) {
    await clickhouse(factsInsert(type, Math.min(chunk, count - offset), start, salt, offset), { database });
  }
}

/** A finance staff member's session that passed TOTP through the real 2FA endpoints (as bench:admin does). */
async function financeToken(app, base) {
  const { UserDirectory } = require(join(DIST, 'modules/user/user-directory.js'));
  const { SessionService } = require(join(DIST, 'modules/auth/sessions/session.service.js'));
  const { base32, nodeCrypto } = require(join(DIST, 'modules/auth/two-factor/otp-plugins.js'));
  const { generateSync } = require('@otplib/totp');
  const users = app.get(UserDirectory);
  const { account } = await users.findOrRegisterByEmail('bench-finance@example.test', { ip: null, userAgent: 'bench' });
  const staff = await users.grantRole(account.id, 'finance');
  const { accessToken } = await app
    .get(SessionService)
    .start(staff, 'email', { ip: '127.0.0.1', userAgent: 'bench' }, false);
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const post = async (path, body) => {
    const response = await fetch(`${base}/api/v1/auth/2fa/${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return response.json().catch(() => ({}));
  };
  const { secret } = await post('totp/setup', {});
  const code = (offset) =>
    generateSync({
      secret,
      epoch: Math.floor(Date.now() / 1000) + offset * 30,
      digits: 6,
      period: 30,
      crypto: nodeCrypto,
      base32,
    });
  await post('totp/enable', { code: code(-1) });
  await post('step-up', { code: code(0) });
  return accessToken;
}

/** The zones both Node and this ClickHouse know: each (zone, currency) pair is a query of its own cache key. */
async function usableZones() {
  const zones = [];
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(zone)) continue;
    const known = await clickhouse(`SELECT toDate(now(), '${zone}')`).then(
      () => true,
      () => false,
    );
    if (known) zones.push(zone);
  }
  return zones;
}

function ggrQuery(zone, currency, dateRange) {
  return {
    measures: ['ggr'],
    dimensions: ['day', 'game'],
    filters: [{ dimension: 'currency', operator: 'equals', values: [currency] }],
    timeZone: zone,
    dateRange,
  };
}

/** Runs `count` calls of `call(i)` with `concurrency` in flight; answers each call's milliseconds. */
async function timed(count, call, concurrency = CONCURRENCY) {
  const times = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      const started = performance.now();
      await call(index);
      times[index] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return times;
}

function apiCaller(base, token) {
  return async (body, expectCached) => {
    const response = await fetch(`${base}/api/v1/reports/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`reports/query answered ${response.status}: ${text.slice(0, 300)}`);
    // Read without parsing the whole answer (hundreds of kB): the client's own cost stays out of the figures.
    const cached = text.includes('"cached":true');
    if (expectCached !== null && cached !== expectCached)
      throw new Error(`expected cached=${expectCached}, got ${cached}`);
    return { bytes: text.length, text, cached };
  };
}

/**
 * The statements nest-app runs for a query (rows and totals, in parallel, as ReportRunner does), straight to
 * ClickHouse with the repository's settings; the server's own durations come from query_log (log_queries=1 on these).
 */
async function rawStatements(database, queries, tag, concurrency) {
  const { validateReportQuery } = require(join(DIST, 'modules/report/query/report-query.js'));
  const { renderReportStatement } = require(join(DIST, 'modules/report/query/report-sql.js'));
  const { gamingRollupFor } = require(join(DIST, 'modules/report/query/gaming-rollup.js'));
  // The rollup each query reads, as ReportRunner picks it (ClickHouse's rollup_coverage, migration 006).
  const coverage = new Map(
    (
      await clickhouseRows(
        'SELECT rollup_table, toString(toUnixTimestamp(argMax(complete_from, recorded_at))) AS since ' +
          'FROM rollup_coverage GROUP BY rollup_table',
        { database },
      )
    ).map((row) => [row.rollup_table, Number(row.since)]),
  );
  const rollups = {};
  const times = await timed(
    queries.length,
    async (index) => {
      const query = validateReportQuery(queries[index]);
      const gamingRollup = gamingRollupFor(query, coverage);
      rollups[gamingRollup] = (rollups[gamingRollup] ?? 0) + 1;
      await Promise.all(
        [query.dimensions, []].map((dimensions, part) =>
          clickhouse(
            `${renderReportStatement(query, dimensions, { taxRates: new Map(), limit: 10_001, gamingRollup }).sql} FORMAT JSONEachRow`,
            {
              database,
              settings: { readonly: 2, max_execution_time: 30, log_queries: 1, query_id: `${tag}-${index}-${part}` },
            },
          ),
        ),
      );
    },
    concurrency,
  );
  await clickhouse('SYSTEM FLUSH LOGS');
  const logged = await clickhouseRows(
    `SELECT query_id, query_duration_ms AS ms, read_rows FROM system.query_log WHERE type = 2 AND query_id LIKE '${tag}-%'`,
  );
  const rowsStatement = logged.filter((row) => row.query_id.endsWith('-0'));
  return {
    concurrency,
    statementsPerQuery: 2,
    gamingRollups: rollups,
    clientMs: summary(times),
    serverMsRowsStatement: summary(rowsStatement.map((row) => Number(row.ms))),
    serverMsTotalsStatement: summary(logged.filter((row) => row.query_id.endsWith('-1')).map((row) => Number(row.ms))),
    readRowsRowsStatement: rowsStatement.length ? Number(rowsStatement[0].read_rows) : null,
  };
}

/** A compiled nest-app process on a free port, once /health/live answers. */
async function startApi(overrides, nodeOptions) {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const api = spawnNode(join(DIST, 'main.js'), [], {
    ...process.env,
    ...overrides,
    API_PORT: String(port),
    MIGRATIONS_RUN_ON_START: 'false',
    NODE_OPTIONS: nodeOptions,
  });
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    const live = await fetch(`${base}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (live) return { api, base };
    if (attempt > 600) throw new Error('nest-app did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Generates the bets, starts nest-app on them and measures; drops its databases, keys and streams at the end. */
export async function runQueries({ name, bets, wins, requests, log, factsFrom = null }) {
  const database = `${name}_ch`;
  const { start, dateRange } = window();
  const overrides = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl(name),
    NATS_SUBJECT_PREFIX: name,
    CLICKHOUSE_URL,
    CLICKHOUSE_DATABASE: database,
    REDIS_KEY_PREFIX: `${name}:`,
    QUEUE_PREFIX: `${name}-bull`,
    GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    OUTBOX_RELAY_ENABLED: 'false',
    AUTH_RATE_LIMIT_PER_IP: '100000',
  };
  const { loadAppConfig } = require(join(DIST, 'config/load-app-config.js'));
  const { createNestApp } = require(join(DIST, 'bootstrap.js'));
  const { disposeIsolatedResources } = await import('@casino/platform/testing');
  psql(`CREATE DATABASE ${name}`);
  let api = null;
  try {
    // In process once: migrations (PostgreSQL and ClickHouse) and the staff session; the measured API is a process.
    const setup = await createNestApp(loadAppConfig(overrides));
    let token;
    try {
      await setup.listen({ host: '127.0.0.1', port: 0 });
      token = await financeToken(setup, (await setup.getUrl()).replace('[::1]', '127.0.0.1'));
    } finally {
      await setup.close();
    }
    log(
      factsFrom
        ? `copying the rollups of ${factsFrom} into ${database}`
        : `inserting ${bets} bets and ${wins} wins into ${database}.wallet_transactions`,
    );
    let started = performance.now();
    if (factsFrom) await copyRollups(factsFrom, database);
    else {
      await insertFacts('bet', bets, start, 0, database);
      await insertFacts('win', wins, start, 1_000_000_007, database);
    }
    const insertSeconds = (performance.now() - started) / 1000;
    // The merges ClickHouse makes in the background of a live system, done at once: a report reads merged rollups.
    const rollupRows = {};
    started = performance.now();
    for (const table of GAMING_ROLLUP_TABLES) {
      const before = await rollupShape(table, database);
      await clickhouse(`OPTIMIZE TABLE ${table} FINAL`, { database });
      rollupRows[table] = { afterInsert: before, measuredOn: await rollupShape(table, database) };
    }
    const optimizeSeconds = (performance.now() - started) / 1000;
    log(`facts in ${insertSeconds.toFixed(1)} s; rollups ${JSON.stringify(rollupRows)} (after OPTIMIZE FINAL)`);

    let base;
    ({ api, base } = await startApi(overrides, ''));
    let call = apiCaller(base, token);
    const zones = await usableZones();
    const distinct = zones.flatMap((zone) => CURRENCIES.map((currency) => ggrQuery(zone, currency, dateRange)));
    const warmUp = 20;
    const uncachedCount = Math.min(requests, distinct.length - warmUp);
    log(
      `${distinct.length} distinct queries (zones × currencies); ${uncachedCount} uncached requests, concurrency ${CONCURRENCY}`,
    );
    let sample = null;
    await timed(warmUp, async (index) => {
      sample = await call(distinct[index], false);
    });
    const uncached = await timed(uncachedCount, (index) => call(distinct[warmUp + index], false));
    const sequentialCount = Math.min(100, distinct.length - warmUp - uncachedCount - 100);
    const sequentialOffset = warmUp + uncachedCount;
    const uncachedSequential = await timed(
      sequentialCount,
      (index) => call(distinct[sequentialOffset + index], false),
      1,
    );
    const repeated = ggrQuery('Europe/London', 'EUR', dateRange);
    await call(repeated, null);
    const cachedCount = Math.max(requests, 500);
    // A cache read that times out (REPORT_CACHE_TIMEOUT_MS) is answered from ClickHouse: counted, not a failure.
    let cacheMisses = 0;
    const cachedCall = async (query) => {
      if (!(await call(query, null)).cached) cacheMisses += 1;
    };
    const cached = await timed(cachedCount, () => cachedCall(repeated));
    const cachedSequential = await timed(200, () => cachedCall(repeated), 1);
    const small = { ...repeated, dimensions: ['day'] };
    await call(small, null);
    const cachedSmall = await timed(cachedCount, () => cachedCall(small));
    const smallBytes = (await call(small, null)).bytes;
    const met = {
      uncached: summary(uncached).p99 < FLOORS.uncachedP99Ms,
      cached: summary(cached).p99 < FLOORS.cachedP99Ms,
    };
    let apiProfile = null;
    if (!met.uncached || !met.cached) {
      log('a query floor missed: the API again under --cpu-prof (100 uncached, then 300 cached requests)');
      await api.stop();
      const directory = mkdtempSync(join(tmpdir(), 'bench-reports-api-prof-'));
      ({ api, base } = await startApi(overrides, `--cpu-prof --cpu-prof-dir=${directory}`));
      call = apiCaller(base, token);
      const offset = sequentialOffset + sequentialCount;
      await timed(Math.min(100, distinct.length - offset), (index) => call(distinct[offset + index], false));
      await timed(300, () => call(repeated, null));
      await api.stop();
      api = null;
      apiProfile = { requests: 'boot, 100 uncached and 300 cached at concurrency 4', ...profileSummary(directory) };
      rmSync(directory, { recursive: true, force: true });
    }
    const rawQueries = distinct.slice(warmUp, warmUp + Math.min(200, uncachedCount));
    const raw = await rawStatements(database, rawQueries, `${name}-raw`, CONCURRENCY);
    const rawSequential = await rawStatements(database, rawQueries.slice(0, 100), `${name}-seq`, 1);
    return {
      bets,
      wins,
      facts: Number(await clickhouse('SELECT count() FROM wallet_transactions', { database: factsFrom ?? database })),
      factsFrom,
      gamingRollups: rollupRows,
      insertSeconds: Math.round(insertSeconds * 10) / 10,
      optimizeFinalSeconds: Math.round(optimizeSeconds * 10) / 10,
      query: { ...ggrQuery('<zone>', '<currency>', dateRange) },
      resultRows: sample ? JSON.parse(sample.text).rows.length : null,
      responseBytes: sample?.bytes ?? null,
      concurrency: CONCURRENCY,
      uncachedMethod:
        'each request a different cache key: the time zone (one of the IANA zones this ClickHouse knows) and the one-currency filter vary, the 30 local days stay',
      uncachedMs: summary(uncached),
      uncachedSequentialMs: summary(uncachedSequential),
      cachedMs: summary(cached),
      cachedSequentialMs: summary(cachedSequential),
      cacheMisses,
      cachedSmallAnswer: {
        query: 'GGR by day (30 rows), same filter',
        responseBytes: smallBytes,
        ms: summary(cachedSmall),
      },
      clickhouseDirect: raw,
      clickhouseDirectSequential: rawSequential,
      floors: FLOORS,
      met,
      apiProfile,
    };
  } finally {
    await api?.stop();
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await clickhouse(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await disposeIsolatedResources(name, loadAppConfig(overrides));
  }
}
