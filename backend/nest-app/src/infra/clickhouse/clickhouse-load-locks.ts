import { withEtlLoadLocksForMigration, type HoldLoadLocks } from '@casino/platform';
import type { Redis } from 'ioredis';

/** A migration waits this long for worker-etl's batch to finish; its views change in milliseconds. */
const MIGRATION_LOAD_LOCK = { ttlMs: 60_000, waitMs: 60_000 };

/** How nest-app applies a ClickHouse migration that names load locks: holding worker-etl's (ADR 0015). */
export function holdingEtlLoadLocks(redis: Redis): HoldLoadLocks {
  return (tables, apply) => withEtlLoadLocksForMigration(redis, tables, MIGRATION_LOAD_LOCK, apply);
}
