import { migrateClickHouse } from '@casino/platform';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CLICKHOUSE_MIGRATIONS_DIR } from './clickhouse-migrations';
import { clickHouseOptions } from './clickhouse-options';

/** Applies ClickHouse migrations at start in development, like the PostgreSQL ones. */
@Injectable()
export class ClickHouseMigrationRunner implements OnModuleInit {
  private readonly logger = new Logger('ClickHouseMigrations');

  public constructor(private readonly config: AppConfig) {}

  public async onModuleInit(): Promise<void> {
    if (!this.config.migrateOnStart) return;
    const applied = await migrateClickHouse(clickHouseOptions(this.config), CLICKHOUSE_MIGRATIONS_DIR);
    this.logger.log({ applied }, 'ClickHouse migrations applied');
  }
}
