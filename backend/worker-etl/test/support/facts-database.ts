import { migrateClickHouse } from '@casino/platform';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { join } from 'node:path';
import type { WorkerConfig } from '../../src/config/worker-config';

const CLICKHOUSE_MIGRATIONS = join(__dirname, '../../../nest-app/src/infra/clickhouse/migrations');

/** The suite's own ClickHouse database `database`, migrated as nest-app migrates it; a client on it. */
export async function factsDatabase(config: WorkerConfig, database: string): Promise<ClickHouseClient> {
  await migrateClickHouse(
    { url: config.CLICKHOUSE_URL, database, username: config.CLICKHOUSE_USER, password: config.CLICKHOUSE_PASSWORD },
    CLICKHOUSE_MIGRATIONS,
    // The suite's database is new and no loader runs yet: a migration naming load locks needs none here.
    (_tables, apply) => apply(),
  );
  return createClient({ url: config.CLICKHOUSE_URL, database });
}
