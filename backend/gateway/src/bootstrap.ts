import { ApiExceptionFilter, createFastifyApp, REDIS_CLIENT } from '@casino/platform';
import type { Redis } from 'ioredis';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerSecurityHeaders } from './common/security-headers';
import type { GatewayConfig } from './config/gateway-config';
import { GatewayModule } from './gateway.module';
import { AccessTokenVerifier, edgeAuthHook } from './modules/edge-auth';
import { EdgeRateLimiter, rateLimitHook } from './modules/rate-limit';
import { registerUpstreamProxy, UpstreamPool } from './modules/routing';

export async function createGatewayApp(config: GatewayConfig): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(GatewayModule.forRoot(config), {
    trustedProxies: config.trustedProxies,
    bodyLimitBytes: config.GATEWAY_BODY_LIMIT_BYTES,
    edge: { maxInputDepth: config.API_MAX_JSON_DEPTH, metricsToken: config.METRICS_TOKEN, securityHeaders: false },
  });
  app.useGlobalFilters(new ApiExceptionFilter());
  await registerSecurityHeaders(app, config);
  await registerUpstreamProxy(app.getHttpAdapter().getInstance(), {
    pool: app.get(UpstreamPool),
    config,
    edgeChecks: [
      edgeAuthHook(new AccessTokenVerifier(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS)),
      rateLimitHook(new EdgeRateLimiter(app.get<Redis>(REDIS_CLIENT)), config),
    ],
  });
  return app;
}
