import {
  BullConnectionWatchModule,
  ClickHouseModule,
  ClickHouseProbe,
  createLoggerModule,
  HealthModule,
  MailDeliveryModule,
  MetricsModule,
  NatsModule,
  NatsProbe,
  RedisModule,
  RedisProbe,
  redisRetryStrategy,
  SmsDeliveryModule,
} from '@casino/platform';
import { BullModule } from '@nestjs/bullmq';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { EtlMetrics } from './analytics/etl-metrics';
import { EtlLagProbe, FactsLoader } from './analytics/facts-loader.service';
import { WorkerConfig } from './config/worker-config';
import { ReportExportsModule } from './exports/report-exports.module';

/**
 * worker-etl: loads domain events into ClickHouse's facts (FactsLoader, ADR 0015), delivers the `mail` queue over
 * SMTP and the `sms` queue through the SMS gateway (or the development sink), and runs the `reports` queue's exports.
 */
@Global()
@Module({})
export class WorkerModule {
  public static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        createLoggerModule({
          serviceName: 'worker-etl',
          level: config.LOG_LEVEL,
          loki: config.lokiShipping,
          environment: config.NODE_ENV,
        }),
        MetricsModule,
        RedisModule.forRoot({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }, 'worker-etl'),
        NatsModule.forRoot({
          servers: config.NATS_URL,
          subjectPrefix: config.NATS_SUBJECT_PREFIX,
          clientName: 'worker-etl',
          duplicateWindowSeconds: config.NATS_DUPLICATE_WINDOW_SECONDS,
          streamReplicas: config.NATS_STREAM_REPLICAS,
        }),
        ClickHouseModule.forRoot({
          url: config.CLICKHOUSE_URL,
          database: config.CLICKHOUSE_DATABASE,
          username: config.CLICKHOUSE_USER,
          password: config.CLICKHOUSE_PASSWORD,
        }),
        BullModule.forRoot({
          // Workers block on Redis; they must retry forever rather than fail a command.
          connection: { url: config.REDIS_URL, maxRetriesPerRequest: null, retryStrategy: redisRetryStrategy },
          prefix: config.QUEUE_PREFIX,
        }),
        BullConnectionWatchModule.forRoot({ redisUrl: config.REDIS_URL, clientName: 'worker-etl-bullmq' }),
        HealthModule.forProbes([RedisProbe, NatsProbe, ClickHouseProbe, EtlLagProbe]),
        ...(config.MAIL_DELIVERY_ENABLED
          ? [MailDeliveryModule.forRoot({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM })]
          : []),
        ...(config.SMS_DELIVERY_ENABLED ? [SmsDeliveryModule.forRoot(config.smsDelivery)] : []),
        ...(config.REPORT_EXPORTS_ENABLED ? [ReportExportsModule.forRoot(config.reportExports)] : []),
      ],
      providers: [{ provide: WorkerConfig, useValue: config }, EtlMetrics, FactsLoader],
      exports: [WorkerConfig, FactsLoader],
    };
  }
}
