import 'reflect-metadata';
import { createLoggerModule, NatsModule } from '@casino/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { loadAppConfig } from '../config/load-app-config';
import { typeOrmOptions } from '../infra/database/typeorm-options';
import { OutboxModule } from '../infra/outbox/outbox.module';
import { OutboxRelay } from '../infra/outbox/outbox.relay';

/**
 * The outbox relay on its own (`node backend/nest-app/dist/cli/outbox-relay.js`): the production
 * topology runs API instances with `OUTBOX_RELAY_ENABLED=false` and one or more of these processes, so that
 * publishing to NATS never competes with request handling for the API's event loop (ADR 0010,
 * docs/operations.md). Any number may run; they never publish one row twice at the same time.
 * It runs no migrations (the API or `npm run migration:run` does) and stops cleanly on SIGTERM/SIGINT.
 */
@Module({})
class OutboxRelayProcessModule {
  public static forRoot(config: AppConfig): DynamicModule {
    return {
      module: OutboxRelayProcessModule,
      imports: [
        ConfigModule.forRoot(config),
        createLoggerModule({
          serviceName: 'outbox-relay',
          level: config.LOG_LEVEL,
          loki: config.lokiShipping,
          environment: config.NODE_ENV,
        }),
        // Spread so that the PostgreSQL-only applicationName passes the options union's excess-property check.
        TypeOrmModule.forRoot({
          ...typeOrmOptions(config),
          migrationsRun: false,
          ...{ applicationName: 'casino-outbox-relay' },
        }),
        NatsModule.forRoot({
          servers: config.NATS_URL,
          subjectPrefix: config.NATS_SUBJECT_PREFIX,
          clientName: 'outbox-relay',
          duplicateWindowSeconds: config.NATS_DUPLICATE_WINDOW_SECONDS,
          streamReplicas: config.NATS_STREAM_REPLICAS,
        }),
        OutboxModule,
      ],
    };
  }
}

async function main(): Promise<void> {
  const config = loadAppConfig();
  const app = await NestFactory.createApplicationContext(OutboxRelayProcessModule.forRoot(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
  // Runs whatever OUTBOX_RELAY_ENABLED says: that setting turns off the relay inside API instances.
  app.get(OutboxRelay).start();
  app
    .get(Logger)
    .log(
      { batchSize: config.OUTBOX_RELAY_BATCH_SIZE, intervalMs: config.OUTBOX_RELAY_INTERVAL_MS },
      'outbox relay running',
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`outbox-relay failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
