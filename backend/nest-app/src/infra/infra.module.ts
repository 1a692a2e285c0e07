import {
  ClickHouseModule,
  ClickHouseProbe,
  createLoggerModule,
  HealthModule,
  MetricsModule,
  NatsModule,
  NatsProbe,
  RedisModule,
  RedisProbe,
} from '@casino/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { ClickHouseMigrationRunner } from './clickhouse/clickhouse-migration.runner';
import { clickHouseOptions } from './clickhouse/clickhouse-options';
import { DatabaseModule } from './database/database.module';
import { PostgresProbe } from './database/postgres.probe';
import { OutboxModule } from './outbox/outbox.module';
import { QueueModule } from './queue/queue.module';

/** Adapters to the outside world, logging, metrics, tracing and health. */
@Module({})
export class InfraModule {
  public static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InfraModule,
      imports: [
        createLoggerModule({
          serviceName: 'nest-app',
          level: config.LOG_LEVEL,
          loki: config.lokiShipping,
          environment: config.NODE_ENV,
        }),
        MetricsModule,
        DatabaseModule.forRoot(config),
        RedisModule.forRoot({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }, 'nest-app'),
        NatsModule.forRoot({
          servers: config.NATS_URL,
          subjectPrefix: config.NATS_SUBJECT_PREFIX,
          clientName: 'nest-app',
          duplicateWindowSeconds: config.NATS_DUPLICATE_WINDOW_SECONDS,
          streamReplicas: config.NATS_STREAM_REPLICAS,
        }),
        ClickHouseModule.forRoot(clickHouseOptions(config)),
        QueueModule.forRoot(config),
        OutboxModule,
        HealthModule.forProbes([PostgresProbe, RedisProbe, NatsProbe, ClickHouseProbe]),
      ],
      providers: [ClickHouseMigrationRunner],
      exports: [MetricsModule],
    };
  }
}
