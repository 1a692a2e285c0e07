import { identifier, inSpan, SpanKind } from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { KEY_SET, type ClickHouseKeySet } from './clickhouse-key-set';

export interface FactTable<TRow> {
  /** `wallet_transactions`, `payment_events`... (migration 002). */
  name: string;
  /** The column a row is unique by: a second row with the same value would be counted twice by the rollups. */
  key: keyof TRow & string;
}

export interface LoadLockOptions {
  ttlMs: number;
  waitMs: number;
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const POLL_MS = 25;

/** The batch could not be loaded now (another loader held the table); nothing was written. */
export class LoadLockBusyError extends Error {
  public constructor(table: string) {
    super(`the load lock of ${table} was not won in time`);
  }
}

/**
 * Inserts a batch's rows whose key is not in the table yet, all in one INSERT, under a Redis lock per table.
 * The materialized views of migration 003 sum whatever reaches the table, so a row must reach it once: the lock
 * makes "which keys are there" and "insert the rest" one step across every worker instance, and the look-up makes
 * a redelivered batch (a worker killed after ClickHouse accepted it, before JetStream heard the ack) a no-op.
 * ADR 0015 walks through each crash point.
 */
export class FactTableLoader {
  public constructor(
    private readonly clickhouse: ClickHouseClient,
    private readonly keySet: ClickHouseKeySet,
    private readonly redis: Redis,
    private readonly lock: LoadLockOptions,
  ) {}

  /** Returns how many rows were new (the rest were loaded before). */
  public async load<TRow extends object>(table: FactTable<TRow>, rows: readonly TRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const unique = [...new Map(rows.map((row) => [String(row[table.key]), row])).values()];
    return this.withLock(table.name, async () => {
      const present = await this.presentKeys(
        table,
        unique.map((row) => String(row[table.key])),
      );
      const fresh = unique.filter((row) => !present.has(String(row[table.key])));
      if (fresh.length > 0) {
        await inSpan(
          'clickhouse.insert',
          {
            kind: SpanKind.CLIENT,
            attributes: { 'db.system.name': 'clickhouse', 'db.collection.name': table.name, 'db.rows': fresh.length },
          },
          () => this.clickhouse.insert({ table: table.name, values: fresh, format: 'JSONEachRow' }),
        );
      }
      return fresh.length;
    });
  }

  private async presentKeys<TRow extends object>(table: FactTable<TRow>, keys: string[]): Promise<Set<string>> {
    const column = identifier(table.key, [table.key]).rendered;
    const name = identifier(table.name, [table.name]).rendered;
    // The batch's keys travel as data (ClickHouseKeySet), one statement whatever the batch's size.
    const rows = await this.keySet.rows<{ k: string }>(
      `SELECT DISTINCT ${column} AS k FROM ${name} WHERE ${column} IN ${KEY_SET}`,
      keys,
    );
    return new Set(rows.map((row) => row.k));
  }

  private async withLock<T>(table: string, work: () => Promise<T>): Promise<T> {
    const key = `etl:load-lock:${table}`;
    const token = randomUUID();
    const deadline = Date.now() + this.lock.waitMs;
    while ((await this.redis.set(key, token, 'PX', this.lock.ttlMs, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) throw new LoadLockBusyError(table);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token);
    }
  }
}
