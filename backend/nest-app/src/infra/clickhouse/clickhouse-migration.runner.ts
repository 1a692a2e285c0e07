import { migrateClickHouse, REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { holdingEtlLoadLocks } from './clickhouse-load-locks';
import { CLICKHOUSE_MIGRATIONS_DIR } from './clickhouse-migrations';
import { clickHouseOptions, clickHouseReplication } from './clickhouse-options';

/** Applies ClickHouse migrations at start in development, like the PostgreSQL ones. */
@Injectable()
export class ClickHouseMigrationRunner implements OnModuleInit {
  private readonly logger = new Logger('ClickHouseMigrations');

  public constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  public async onModuleInit(): Promise<void> {
    if (!this.config.migrateOnStart) return;
    const applied = await migrateClickHouse(
      clickHouseOptions(this.config),
      CLICKHOUSE_MIGRATIONS_DIR,
      holdingEtlLoadLocks(this.redis),
      clickHouseReplication(this.config),
    );
    this.logger.log({ applied }, 'ClickHouse migrations applied');
  }
}
