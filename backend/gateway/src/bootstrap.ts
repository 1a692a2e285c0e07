import { ApiExceptionFilter, createFastifyApp } from '@casino/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayConfig } from './config/gateway-config';
import { GatewayModule } from './gateway.module';

export async function createGatewayApp(config: GatewayConfig): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(GatewayModule.forRoot(config), {
    trustedProxies: config.trustedProxies,
    edge: { maxInputDepth: config.API_MAX_JSON_DEPTH, metricsToken: config.METRICS_TOKEN },
  });
  app.useGlobalFilters(new ApiExceptionFilter());
  return app;
}
