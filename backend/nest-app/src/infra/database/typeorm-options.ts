import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { MIGRATIONS } from './migrations';

/** One definition for the app, the CLI and the tests; the schema only ever changes by migration. */
export function typeOrmOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: [join(__dirname, '..', '..', 'modules', '**', '*.entity.{ts,js}')],
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // TypeORM's own logger prints failed queries with their parameters (PII); errors reach callers instead.
    logging: false,
    applicationName: 'casino-nest-app',
  };
}
