import type { DynamicModule, Type } from '@nestjs/common';
import { createFastifyApp } from '@casino/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { serveBackoffice } from './common/http/backoffice-static';
import { configureHttp } from './common/http/configure-http';
import { mountQueueBoard } from './modules/admin';
import { GAME_CATALOG_QUEUE, isProviderWalletRoute } from './modules/game';
import { REPORT_SCHEDULES_QUEUE } from './modules/report';
import { QUEUE_NAMES } from '@casino/contracts';
import type { Clock } from './common/time/clock';
import type { AppConfig } from './config/app-config';

/**
 * Builds nest-app with all its conventions, ready to listen (or to be injected by tests, which may
 * add probe modules and replace the clock). With `drainMs`, SIGTERM drains first (see `FastifyAppOptions`).
 */
export async function createNestApp(
  config: AppConfig,
  extraModules: (Type<unknown> | DynamicModule)[] = [],
  clock?: Clock,
  drainMs?: number,
): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(AppModule.forRoot(config, extraModules, clock), {
    rawBody: true,
    trustedProxies: config.trustedProxies,
    drainMs,
    edge: {
      maxInputDepth: config.API_MAX_JSON_DEPTH,
      ownsBodyProtocol: isProviderWalletRoute,
      metricsToken: config.METRICS_TOKEN,
    },
  });
  configureHttp(app, config);
  serveBackoffice(app, config);
  await mountQueueBoard(app, [...QUEUE_NAMES, REPORT_SCHEDULES_QUEUE, GAME_CATALOG_QUEUE]);
  return app;
}

export async function startNestApp(config: AppConfig): Promise<NestFastifyApplication> {
  // Only the real process drains on SIGTERM; apps built inside tests are closed by the tests.
  const app = await createNestApp(config, [], undefined, config.API_SHUTDOWN_DRAIN_MS);
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  return app;
}
