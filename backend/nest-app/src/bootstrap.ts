import type { DynamicModule, Type } from '@nestjs/common';
import { createFastifyApp } from '@casino/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { serveBackoffice } from './common/http/backoffice-static';
import { configureHttp } from './common/http/configure-http';
import { isProviderWalletRoute } from './modules/game';
import type { Clock } from './common/time/clock';
import type { AppConfig } from './config/app-config';

/**
 * Builds nest-app with all its conventions, ready to listen (or to be injected by tests, which may
 * add probe modules and replace the clock).
 */
export async function createNestApp(
  config: AppConfig,
  extraModules: (Type<unknown> | DynamicModule)[] = [],
  clock?: Clock,
): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(AppModule.forRoot(config, extraModules, clock), {
    rawBody: true,
    trustedProxies: config.trustedProxies,
    edge: {
      maxInputDepth: config.API_MAX_JSON_DEPTH,
      ownsBodyProtocol: isProviderWalletRoute,
      metricsToken: config.METRICS_TOKEN,
    },
  });
  configureHttp(app, config);
  serveBackoffice(app, config);
  return app;
}

export async function startNestApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createNestApp(config);
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  return app;
}
