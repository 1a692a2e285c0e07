import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

export interface EtlLoadLockOptions {
  ttlMs: number;
  waitMs: number;
}

/** The load could not start now (another holder kept the table); nothing was written. */
export class LoadLockBusyError extends Error {
  public constructor(table: string) {
    super(`the load lock of ${table} was not won in time`);
  }
}

const POLL_MS = 25;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// A loader does not take the lock while a migration waits for it (KEYS[2]): under a steady load one batch's release
// is followed by the next one's take within a Redis round trip, and a migration polling for the lock would starve.
const TAKE_UNLESS_WANTED = `if redis.call('exists', KEYS[2]) == 1 then return 0 end
if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 else return 0 end`;

const lockKey = (table: string): string => `etl:load-lock:${table}`;
const wantedKey = (table: string): string => `etl:load-lock:${table}:wanted`;

/**
 * worker-etl's load lock of a fact table (ADR 0015), under the Redis key prefix every process shares: while it is
 * held, nothing is inserted into the table. `SET NX PX`, released by compare-and-delete.
 */
export async function withEtlLoadLock<T>(
  redis: Redis,
  table: string,
  options: EtlLoadLockOptions,
  work: () => Promise<T>,
): Promise<T> {
  const token = randomUUID();
  const deadline = Date.now() + options.waitMs;
  while (
    Number(await redis.eval(TAKE_UNLESS_WANTED, 2, lockKey(table), wantedKey(table), token, options.ttlMs)) !== 1
  ) {
    if (Date.now() >= deadline) throw new LoadLockBusyError(table);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    return await work();
  } finally {
    await redis.eval(RELEASE, 1, lockKey(table), token);
  }
}

/**
 * The load locks of `tables` for a schema change that must see no insert (a materialized view dropped and created
 * again): marks each lock wanted so loaders stop taking it, waits for the holder's release, runs `work`, then frees
 * them. Loaders wait meanwhile (and hand their batch back after their own wait).
 */
export async function withEtlLoadLocksForMigration<T>(
  redis: Redis,
  tables: readonly string[],
  options: EtlLoadLockOptions,
  work: () => Promise<T>,
): Promise<T> {
  const [table, ...rest] = [...new Set(tables)].sort();
  if (table === undefined) return work();
  const token = randomUUID();
  const deadline = Date.now() + options.waitMs;
  await redis.set(wantedKey(table), token, 'PX', options.waitMs + options.ttlMs);
  try {
    while ((await redis.set(lockKey(table), token, 'PX', options.ttlMs, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) throw new LoadLockBusyError(table);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    try {
      return await withEtlLoadLocksForMigration(redis, rest, options, work);
    } finally {
      await redis.eval(RELEASE, 1, lockKey(table), token);
    }
  } finally {
    await redis.eval(RELEASE, 1, wantedKey(table), token);
  }
}
