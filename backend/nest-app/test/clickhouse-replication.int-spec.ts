import { migrateClickHouse, sql } from '@casino/platform';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CLICKHOUSE_MIGRATIONS_DIR } from '../src/infra/clickhouse/clickhouse-migrations';

// The ClickHouse cluster of scripts/ch-cluster.sh (ADR 0032): ZooKeeper, replicas on 8131/8132, HAProxy on 8130.
// The suite starts it (installing ZooKeeper and HAProxy when missing), works in a database of its own and stops
// the cluster again when it was not running before.
const ROOT = join(__dirname, '../../..');
const CLUSTER = join(ROOT, 'scripts/ch-cluster.sh');
const REPLICA_URLS = ['http://127.0.0.1:8131', 'http://127.0.0.1:8132'];
const PROXY_URL = 'http://127.0.0.1:8130';
const DATABASE = `ch_repl_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

function cluster(...args: string[]): string {
  return execFileSync('bash', [CLUSTER, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function running(): boolean {
  try {
    return (
      cluster('status')
        .split('\n')
        .filter((line) => line.includes('up')).length === 3
    );
  } catch {
    return false;
  }
}

function client(url: string): ClickHouseClient {
  return createClient({ url, database: DATABASE, request_timeout: 10_000 });
}

async function rows<T>(on: ClickHouseClient, query: string): Promise<T[]> {
  return (await on.query({ query, format: 'JSONEachRow' })).json<T>();
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function answers(url: string): Promise<boolean> {
  return fetch(`${url}/ping`).then(
    (response) => response.ok,
    () => false,
  );
}

function bet(eventId: string, cash: number): Record<string, unknown> {
  return {
    event_id: eventId,
    occurred_at: '2026-12-01 10:05:00',
    transaction_id: eventId,
    transaction_type: 'bet',
    reverses_type: '',
    user_id: 'u1',
    wallet_id: 'w1',
    currency: 'EUR',
    cash_amount: -cash,
    bonus_amount: 0,
    held_amount: 0,
    provider: 'p',
    game_code: 'g',
    round_id: eventId,
    idempotency_scope: '',
    country: 'MT',
    brand: 'b',
  };
}

async function insertBets(on: ClickHouseClient, bets: Record<string, unknown>[]): Promise<void> {
  await on.insert({ table: 'wallet_transactions', values: bets, format: 'JSONEachRow' });
}

async function stakeOf(on: ClickHouseClient): Promise<{ bets: string; stake: string }> {
  const [row] = await rows<{ bets: string; stake: string }>(
    on,
    'SELECT toString(sum(bets_count)) AS bets, toString(sum(stake_cash)) AS stake FROM gaming_15m',
  );
  return row ?? { bets: '0', stake: '0' };
}

describe('replicated ClickHouse (scripts/ch-cluster.sh)', () => {
  const wasRunning = running();
  let r1: ClickHouseClient;
  let r2: ClickHouseClient;

  beforeAll(async () => {
    cluster('start');
    await migrateClickHouse(
      { url: REPLICA_URLS[0] ?? '', database: DATABASE, username: 'default', password: '' },
      CLICKHOUSE_MIGRATIONS_DIR,
      (_tables, apply) => apply(),
      { replicaUrls: REPLICA_URLS },
    );
    r1 = client(REPLICA_URLS[0] ?? '');
    r2 = client(REPLICA_URLS[1] ?? '');
  }, 120_000);

  afterAll(async () => {
    cluster('revive', '2');
    cluster('revive', '1');
    for (const url of REPLICA_URLS) {
      const admin = createClient({ url });
      await admin.command({ query: `DROP DATABASE IF EXISTS ${DATABASE}` });
      await admin.close();
    }
    await r1.close();
    await r2.close();
    if (!wasRunning) cluster('stop');
  }, 120_000);

  it('creates the same Replicated engines on both replicas from the numbered migrations', async () => {
    const engines = async (on: ClickHouseClient): Promise<Record<string, string>> =>
      Object.fromEntries(
        (
          await rows<{ name: string; engine: string }>(
            on,
            sql`SELECT name, engine FROM system.tables WHERE database = ${DATABASE} AND engine LIKE '%MergeTree'`,
          )
        ).map((table) => [table.name, table.engine]),
      );
    const first = await engines(r1);
    expect(await engines(r2)).toEqual(first);
    const { schema_migrations: local, ...tables } = first;
    expect(local).toBe('MergeTree');
    expect(Object.keys(tables)).toEqual(expect.arrayContaining(['wallet_transactions', 'gaming_15m', 'gaming_1d']));
    for (const engine of Object.values(tables)) expect(engine).toMatch(/^Replicated\w*MergeTree$/);
    const applied = async (on: ClickHouseClient): Promise<string[]> =>
      (await rows<{ name: string }>(on, 'SELECT name FROM schema_migrations ORDER BY version')).map((row) => row.name);
    expect(await applied(r2)).toEqual(await applied(r1));
    expect(await applied(r1)).toContain('007_group_rollup_views.sql');
  });

  it('copies a fact inserted on replica 1 to replica 2 and counts its rollup once there', async () => {
    await insertBets(r1, [bet('e-1', 500), bet('e-2', 500)]);
    await eventually(
      () => rows<{ n: string }>(r2, "SELECT toString(count()) AS n FROM wallet_transactions WHERE event_id LIKE 'e-%'"),
      (result) => result[0]?.n === '2',
    );
    // The view fires on the replica that took the insert; the other gets the rollup by replication, not by its view.
    expect(
      await eventually(
        () => stakeOf(r2),
        (stake) => stake.bets === '2',
      ),
    ).toEqual({ bets: '2', stake: '1000' });
  });

  it('drops the same block retried on the other replica, rollups included (a loader failing over, ADR 0015)', async () => {
    const batch = [bet('f-1', 700), bet('f-2', 300)];
    await insertBets(r1, batch);
    await insertBets(r2, batch);
    await eventually(
      () => stakeOf(r1),
      (stake) => stake.bets === '4',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await stakeOf(r1)).toEqual({ bets: '4', stake: '2000' });
    expect(await stakeOf(r2)).toEqual({ bets: '4', stake: '2000' });
  });

  // Stopped with SIGTERM: a SIGKILLed replica also waits ~10 s for its old ZooKeeper session to expire first
  // (docs/scaling.md); chaos:cluster's fault is the SIGKILL.
  it('catches a stopped replica up when it comes back', async () => {
    cluster('stop-replica', '2');
    expect(await answers(REPLICA_URLS[1] ?? '')).toBe(false);
    const proxy = client(PROXY_URL);
    try {
      await insertBets(proxy, [bet('g-1', 100)]);
      await insertBets(r1, [bet('g-2', 100)]);
      expect(await stakeOf(r1)).toEqual({ bets: '6', stake: '2200' });
    } finally {
      await proxy.close();
    }
    const revived = Date.now();
    cluster('revive', '2');
    await eventually(
      () => stakeOf(r2),
      (stake) => stake.bets === '6',
      60_000,
    );
    process.stdout.write(`replica 2 caught up ${Date.now() - revived} ms after its start began\n`);
    expect(await stakeOf(r2)).toEqual({ bets: '6', stake: '2200' });
  }, 90_000);

  it('keeps taking inserts through the proxy while replica 1 is down', async () => {
    cluster('stop-replica', '1');
    expect(await answers(REPLICA_URLS[0] ?? '')).toBe(false);
    const proxy = client(PROXY_URL);
    try {
      await eventually(
        () => insertBets(proxy, [bet('h-1', 50)]).then(() => true),
        (inserted) => inserted,
        15_000,
      );
    } finally {
      await proxy.close();
    }
    cluster('revive', '1');
    expect(
      await eventually(
        () => stakeOf(r1),
        (stake) => stake.bets === '7',
        60_000,
      ),
    ).toEqual({
      bets: '7',
      stake: '2250',
    });
  }, 90_000);
});
