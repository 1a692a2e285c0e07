// `npm run bench:admin`: GET /api/v1/admin/players latency with 100,000 players, through HTTP, on this machine.
// Not a CI test. Needs the build (the npm script runs it first) and the local services.
// Seeds 100,000 players in a scratch database, starts the compiled nest-app in this process on a free port, makes a
// staff member the real way (a session, TOTP enrolled and a step-up through the 2FA endpoints), warms up, then sends
// searches one at a time (email prefix, phone prefix, Telegram id, id, name fragment, filters, cursor pages) and
// reports p50/p95/p99. The issue's floor: an email prefix or phone search in under 50 ms p99.
// Figures go to bench/results/admin-<time>.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'backend/nest-app/dist');
const require = createRequire(join(ROOT, 'backend/nest-app/package.json'));
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://casino:casino@127.0.0.1:5432/casino';
const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const PLAYERS = 100_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
const name = `bench_admin_${stamp}`;

function databaseUrl(database) {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

function psql(database, statement) {
  return execFileSync('psql', [databaseUrl(database), '-qAtc', statement], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const SEED = `
  INSERT INTO users (email, phone, telegram_id, first_name, last_name, country, currency, status, created_at)
  SELECT 'player' || i || '@bench' || (i % 7) || '.test',
         '+49151' || lpad(i::text, 7, '0'),
         CASE WHEN i % 3 = 0 THEN (100000000 + i)::text END,
         (ARRAY['Anna', 'Boris', 'Chen', 'Dana', 'Emil', 'Fatima', 'Goran', 'Hana'])[1 + i % 8],
         (ARRAY['Kowalski', 'Schmidt', 'Rossi', 'Novak', 'Silva', 'Tanaka', 'Dubois'])[1 + (i / 8) % 7] || (i % 1000),
         (ARRAY['DE', 'PL', 'AT', 'FI', 'SE'])[1 + i % 5], 'EUR',
         CASE WHEN i % 97 = 0 THEN 'blocked' ELSE 'active' END,
         now() - (i || ' minutes')::interval
    FROM generate_series(1, ${PLAYERS}) i;
  INSERT INTO rg_exclusions (user_id, kind, period, starts_at, ends_at, actor_id, created_at)
  SELECT id, 'self_exclusion', '6m', now() - interval '1 day', now() + interval '180 days', id::text, now()
    FROM users WHERE phone LIKE '%13';
  ANALYZE users; ANALYZE rg_exclusions;`;

function percentile(sorted, p) {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
}

/** A staff session that passed TOTP through the real 2FA endpoints. */
async function staffHeaders(app, base) {
  const { UserDirectory } = require(join(DIST, 'modules/user/user-directory.js'));
  const { SessionService } = require(join(DIST, 'modules/auth/sessions/session.service.js'));
  const { base32, nodeCrypto } = require(join(DIST, 'modules/auth/two-factor/otp-plugins.js'));
  const { generateSync } = require('@otplib/totp');
  const users = app.get(UserDirectory);
  const { account } = await users.findOrRegisterByEmail('bench-staff@example.test', { ip: null, userAgent: 'bench' });
  // Prefix and name searches need `players.pii` (support may search only by whole values): compliance has it.
  const staff = await users.grantRole(account.id, 'compliance');
  const origin = { ip: '127.0.0.1', userAgent: 'bench' };
  const { accessToken } = await app.get(SessionService).start(staff, 'email', origin, false);
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
  const code = (offset) =>
    generateSync({
      secret,
      epoch: Math.floor(Date.now() / 1000) + offset * 30,
      digits: 6,
      period: 30,
      crypto: nodeCrypto,
      base32,
    });
  const { secret } = await post('totp/setup', {});
  await post('totp/enable', { code: code(-1) });
  await post('step-up', { code: code(0) });
  return { authorization: headers.authorization };
}

const QUERIES = [
  ['email prefix', 'q=player4242'],
  ['email prefix with @', `q=${encodeURIComponent('player73512@')}`],
  ['phone prefix', `q=${encodeURIComponent('+491510004')}`],
  ['phone exact', `q=${encodeURIComponent('+491510081234')}`],
  ['telegram id', 'q=100012345'],
  ['name fragment', 'q=tanaka42'],
  ['name fragment, country filter', 'q=kowalski1&country=PL'],
  ['filters only', 'country=DE&kycStatus=not_started&blocked=false'],
  ['blocked', 'blocked=true'],
  ['self-excluded', 'selfExcluded=true'],
  [
    'registered window',
    `registeredFrom=${encodeURIComponent(new Date(Date.now() - 86_400_000 * 20).toISOString())}&registeredTo=${encodeURIComponent(new Date(Date.now() - 86_400_000 * 10).toISOString())}`,
  ],
];

async function main() {
  psql('postgres', `CREATE DATABASE ${name}`);
  const overrides = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl(name),
    NATS_SUBJECT_PREFIX: name,
    CLICKHOUSE_DATABASE: name,
    REDIS_KEY_PREFIX: `${name}:`,
    QUEUE_PREFIX: `${name}-bull`,
    GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    OUTBOX_RELAY_ENABLED: 'false',
    AUTH_RATE_LIMIT_PER_IP: '100000',
  };
  const { loadAppConfig } = require(join(DIST, 'config/load-app-config.js'));
  const { createNestApp } = require(join(DIST, 'bootstrap.js'));
  const app = await createNestApp(loadAppConfig(overrides));
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    psql(name, SEED);
    const headers = await staffHeaders(app, base);
    const someId = psql(name, `SELECT id FROM users WHERE email = 'player500@bench3.test'`).trim();
    const pages = [['id', `q=${someId}`]];
    for (const [label, query] of QUERIES) {
      const first = await (await fetch(`${base}/api/v1/admin/players?${query}&limit=50`, { headers })).json();
      if (!Array.isArray(first.items)) throw new Error(`${query}: ${JSON.stringify(first)}`);
      pages.push([label, `${query}&limit=50`]);
      if (first.nextCursor) pages.push([`${label} (cursor page)`, `${query}&limit=50&cursor=${first.nextCursor}`]);
    }
    for (let i = 0; i < 300; i += 1)
      await (await fetch(`${base}/api/v1/admin/players?${pages[i % pages.length][1]}`, { headers })).arrayBuffer();
    const latencies = [];
    const byQuery = new Map();
    for (let i = 0; i < REQUESTS; i += 1) {
      const [label, query] = pages[i % pages.length];
      const started = performance.now();
      const response = await fetch(`${base}/api/v1/admin/players?${query}`, { headers });
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      if (response.status !== 200) throw new Error(`${query} answered ${response.status}`);
      latencies.push(elapsed);
      byQuery.set(label, [...(byQuery.get(label) ?? []), elapsed]);
    }
    // The same searches in process (the admin module's repository, no HTTP): what the database part costs.
    const { PlayersRepository } = require(join(DIST, 'modules/admin/players/players.repository.js'));
    const repository = app.get(PlayersRepository);
    const direct = {};
    for (const [label, q] of [
      ['email prefix', 'player4242'],
      ['email prefix with @', 'player73512@'],
      ['phone prefix', '+491510004'],
    ]) {
      const values = [];
      for (let i = 0; i < 300; i += 1) {
        const started = performance.now();
        await repository.search({ q, after: null, limit: 50 });
        values.push(performance.now() - started);
      }
      values.sort((a, b) => a - b);
      direct[label] = { p50: percentile(values, 50), p99: percentile(values, 99) };
    }
    const explain = (where) =>
      psql(name, `EXPLAIN SELECT id FROM users u WHERE ${where} ORDER BY u.created_at DESC, u.id DESC LIMIT 51`);
    const plans = {
      emailPrefixUsesIndex: /users_email_prefix_idx/.test(explain(`u.email LIKE 'player73512@%'`)),
      phonePrefixUsesIndex: /users_phone_prefix_idx/.test(explain(`u.phone LIKE '+491510004%'`)),
    };
    const sorted = [...latencies].sort((a, b) => a - b);
    const summary = {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: percentile(sorted, 100),
    };
    const perQuery = Object.fromEntries(
      [...byQuery].map(([label, values]) => {
        const ordered = values.sort((a, b) => a - b);
        return [label, { p50: percentile(ordered, 50), p99: percentile(ordered, 99) }];
      }),
    );
    const prefixP99 = Math.max(
      ...Object.entries(perQuery)
        .filter(([label]) => label.startsWith('email') || label.startsWith('phone'))
        .map(([, figures]) => figures.p99),
    );
    const results = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, note: '2 cores shared with other engineers' },
      method: 'sequential HTTP requests (fetch) to the compiled nest-app on 127.0.0.1, 100,000 players in PostgreSQL',
      players: PLAYERS,
      requests: REQUESTS,
      latencyMs: summary,
      target: { emailOrPhonePrefixP99Ms: 50, measuredP99Ms: prefixP99, met: prefixP99 < 50 },
      perQuery,
      inProcessRepositoryMs: direct,
      plans,
    };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', `admin-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await app.close();
    psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await fetch(`${CLICKHOUSE_URL}/?query=${encodeURIComponent(`DROP DATABASE IF EXISTS ${name}`)}`, {
      method: 'POST',
    }).catch(() => undefined);
    const { connect } = await import('nats');
    const connection = await connect({ servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',') });
    try {
      const manager = await connection.jetstreamManager();
      for (const stream of ['USER', 'WALLET', 'GAME', 'PAYMENT'])
        await manager.streams.delete(`${name.toUpperCase()}_${stream}`).catch(() => false);
    } finally {
      await connection.close();
    }
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench:admin failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
