// `npm run bench:games`: GET /api/v1/games latency with 10,000 games, through HTTP, on this machine.
// Not a CI test. Needs the build (the npm script runs it first) and the local services.
// Seeds 10,000 games of 8 providers in a scratch database, starts the compiled nest-app in this process on a
// free port, warms up, then sends filtered page requests one at a time (filters: provider, category, tag,
// search text; sorts: popularity, title, newest; first pages and cursor pages) and reports p50/p95/p99.
// The target: a filtered page in under 20 ms p99. Figures go to bench/results/games-<time>.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://casino:casino@127.0.0.1:5432/casino';
const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const GAMES = 10_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
const name = `bench_games_${stamp}`;

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
  INSERT INTO game_providers (code, name, protocol) SELECT 'prov' || i, 'Provider ' || i, 'hub88' FROM generate_series(1, 8) i;
  INSERT INTO games (provider_id, provider_code, game_code, title, category, rtp, volatility, tags, popularity, demo_available, enabled, created_at)
  SELECT p.id, p.code, 'g' || i,
         (ARRAY['Book', 'Dragon', 'Fruit', 'Gold', 'Lucky', 'Mega', 'Star', 'Wild'])[1 + i % 8] || ' ' ||
         (ARRAY['Fortune', 'Rush', 'Spins', 'Treasure', 'Blaze', 'Quest', 'Riches'])[1 + (i / 8) % 7] || ' ' || i,
         (ARRAY['slots', 'slots', 'slots', 'live', 'table', 'instant', 'jackpot'])[1 + i % 7],
         94 + (i % 400) / 100.0, (ARRAY['low', 'medium', 'high', 'very_high'])[1 + i % 4],
         CASE WHEN i % 10 = 0 THEN ARRAY['new', 'hot'] WHEN i % 3 = 0 THEN ARRAY['popular'] ELSE ARRAY[]::text[] END,
         (i * 7919) % 100000, i % 2 = 0, i % 50 <> 0, now() - (i || ' minutes')::interval
    FROM generate_series(1, ${GAMES}) i JOIN game_providers p ON p.code = 'prov' || (1 + i % 8);
  ANALYZE games;`;

const QUERIES = [
  'provider=prov3&sort=popularity&limit=24',
  'category=slots&sort=title&limit=24',
  'category=live&sort=popularity&limit=24',
  'tag=new&sort=newest&limit=24',
  'search=dragon&sort=popularity&limit=24',
  'search=treasure%2012&limit=24',
  'provider=prov5&category=slots&sort=title&limit=48',
  'sort=popularity&limit=24',
];

function percentile(sorted, p) {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
}

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
  };
  const { loadAppConfig } = require(join(ROOT, 'backend/nest-app/dist/config/load-app-config.js'));
  const { createNestApp } = require(join(ROOT, 'backend/nest-app/dist/bootstrap.js'));
  const app = await createNestApp(loadAppConfig(overrides));
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    psql(name, SEED);
    const pages = [];
    for (const query of QUERIES) {
      const first = await (await fetch(`${base}/api/v1/games?${query}`)).json();
      pages.push(query);
      if (first.nextCursor) pages.push(`${query}&cursor=${first.nextCursor}`);
    }
    for (let i = 0; i < 300; i += 1)
      await (await fetch(`${base}/api/v1/games?${pages[i % pages.length]}`)).arrayBuffer();
    const latencies = [];
    const byQuery = new Map();
    for (let i = 0; i < REQUESTS; i += 1) {
      const query = pages[i % pages.length];
      const started = performance.now();
      const response = await fetch(`${base}/api/v1/games?${query}`);
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      if (response.status !== 200) throw new Error(`${query} answered ${response.status}`);
      latencies.push(elapsed);
      byQuery.set(query, [...(byQuery.get(query) ?? []), elapsed]);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const summary = {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: percentile(sorted, 100),
    };
    const results = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      method: 'sequential HTTP requests (fetch) to the compiled nest-app on 127.0.0.1, 10,000 games in PostgreSQL',
      games: GAMES,
      requests: REQUESTS,
      latencyMs: summary,
      target: { p99Ms: 20, met: summary.p99 < 20 },
      perQuery: Object.fromEntries(
        [...byQuery].map(([query, values]) => {
          const ordered = values.sort((a, b) => a - b);
          return [query, { p50: percentile(ordered, 50), p99: percentile(ordered, 99) }];
        }),
      ),
    };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', `games-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
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
    process.stderr.write(`bench:games failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
