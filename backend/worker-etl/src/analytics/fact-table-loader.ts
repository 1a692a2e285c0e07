import {
  identifier,
  inSpan,
  LoadLockBusyError,
  SpanKind,
  withEtlLoadLock,
  type EtlLoadLockOptions,
} from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import { Readable } from 'node:stream';
import { KEY_SET, type ClickHouseKeySet } from './clickhouse-key-set';
import { tabSeparatedRows } from './tab-separated-rows';

export interface FactTable<TRow> {
  /** `wallet_transactions`, `payment_events`... (migration 002). */
  name: string;
  /** The column a row is unique by: a second row with the same value would be counted twice by the rollups. */
  key: keyof TRow & string;
  /** Every column of a row, in the order they are sent (`fact-tables.ts` lists them all). */
  columns: readonly [keyof TRow & string, ...(keyof TRow & string)[]];
}

export type LoadLockOptions = EtlLoadLockOptions;

export { LoadLockBusyError };

/**
 * Inserts a batch's rows whose key is not in the table yet, all in one INSERT, under a Redis lock per table.
 * The materialized views of migration 003 sum whatever reaches the table, so a row must reach it once: the lock
 * makes "which keys are there" and "insert the rest" one step across every worker instance, and the look-up makes
 * a redelivered batch (a worker killed after ClickHouse accepted it, before JetStream heard the ack) a no-op.
 * ADR 0015 walks through each crash point.
 */
export class FactTableLoader {
  private readonly turns = new Map<string, Promise<unknown>>();

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
          () =>
            this.clickhouse.insert({
              table: table.name,
              columns: [...table.columns],
              values: Readable.from([tabSeparatedRows(fresh, table.columns)], { objectMode: false }),
              format: 'TabSeparated',
            }),
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

  /**
   * Loads of one table by this process take turns before they ask Redis (the worker loads two batches at once): the
   * second starts the moment the first released the lock instead of polling for it.
   */
  private async withLock<T>(table: string, work: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(table) ?? Promise.resolve();
    const turn = previous.then(
      () => this.withRedisLock(table, work),
      () => this.withRedisLock(table, work),
    );
    this.turns.set(table, turn);
    try {
      return await turn;
    } finally {
      if (this.turns.get(table) === turn) this.turns.delete(table);
    }
  }

  private withRedisLock<T>(table: string, work: () => Promise<T>): Promise<T> {
    return withEtlLoadLock(this.redis, table, this.lock, work);
  }
}
