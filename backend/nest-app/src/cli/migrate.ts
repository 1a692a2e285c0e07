import 'reflect-metadata';
import { createRedisClient, migrateClickHouse } from '@casino/platform';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/load-app-config';
import { holdingEtlLoadLocks } from '../infra/clickhouse/clickhouse-load-locks';
import { CLICKHOUSE_MIGRATIONS_DIR } from '../infra/clickhouse/clickhouse-migrations';
import { clickHouseOptions, clickHouseReplication } from '../infra/clickhouse/clickhouse-options';
import { typeOrmOptions } from '../infra/database/typeorm-options';

/** `migrate run` applies PostgreSQL and ClickHouse migrations; `migrate revert` undoes the last PostgreSQL one. */
async function main(command: string | undefined): Promise<void> {
  const config = loadAppConfig();
  const dataSource = await new DataSource(typeOrmOptions(config)).initialize();
  try {
    if (command === 'run') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      report(
        'PostgreSQL',
        applied.map((migration) => migration.name),
      );
      // A migration that changes what an insert into a fact table feeds waits for worker-etl's load lock.
      const redis = createRedisClient({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }, 'migrate');
      try {
        const locks = holdingEtlLoadLocks(redis);
        report(
          'ClickHouse',
          await migrateClickHouse(
            clickHouseOptions(config),
            CLICKHOUSE_MIGRATIONS_DIR,
            locks,
            clickHouseReplication(config),
          ),
        );
      } finally {
        await redis.quit();
      }
    } else if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stdout.write('PostgreSQL: reverted the last migration\n');
    } else {
      throw new Error('usage: migrate run|revert');
    }
  } finally {
    await dataSource.destroy();
  }
}

function report(store: string, applied: string[]): void {
  process.stdout.write(applied.length === 0 ? `${store}: up to date\n` : `${store}: applied ${applied.join(', ')}\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
