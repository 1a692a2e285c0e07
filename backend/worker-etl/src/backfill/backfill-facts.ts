import { createRedisClient } from '@casino/platform';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { Pool } from 'pg';
import { ClickHouseKeySet } from '../analytics/clickhouse-key-set';
import { FactTableLoader } from '../analytics/fact-table-loader';
import type { EtlBackfillConfig } from '../config/etl-backfill-config';
import type { BackfillRange } from './backfill-range';
import { LedgerFactsBackfill, type TableBackfill } from './ledger-facts.backfill';
import { LedgerFactsReader } from './ledger-facts.reader';

/** Rebuilds the range's facts with the settings given (the CLI's and the tests' one entry point). */
export async function backfillFacts(config: EtlBackfillConfig, range: BackfillRange): Promise<TableBackfill[]> {
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1, application_name: 'casino-etl-backfill' });
  const options = {
    url: config.CLICKHOUSE_URL,
    database: config.CLICKHOUSE_DATABASE,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  };
  const clickhouse = createClient({
    ...options,
    // The worker's own timeout: a look-up or insert that outlasts it fails rather than outlive the load lock's TTL.
    request_timeout: 30_000,
    log: { level: ClickHouseLogLevel.OFF },
  });
  const redis = createRedisClient({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }, 'etl-backfill');
  try {
    const keySet = new ClickHouseKeySet(options, 30_000);
    const loader = new FactTableLoader(clickhouse, keySet, redis, {
      ttlMs: config.ETL_LOAD_LOCK_TTL_MS,
      waitMs: config.ETL_LOAD_LOCK_WAIT_MS,
    });
    const backfill = new LedgerFactsBackfill(new LedgerFactsReader(pool), loader, keySet, config.ETL_BATCH_MAX_ROWS);
    return await backfill.run(range);
  } finally {
    await Promise.allSettled([pool.end(), clickhouse.close(), redis.quit()]);
  }
}

export function summaryOf(range: BackfillRange, tables: readonly TableBackfill[]): string {
  const lines = tables.map(
    (table) =>
      `  ${table.table}: read ${table.read}, inserted ${table.inserted}, skipped ${table.skipped} (already loaded)`,
  );
  return `etl:backfill ${range.from}..${range.to} (UTC, inclusive)\n${lines.join('\n')}\n`;
}
