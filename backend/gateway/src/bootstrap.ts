import { ApiExceptionFilter, createFastifyApp, logRequestsFromFastify, REDIS_CLIENT } from '@casino/platform';
import websocket from '@fastify/websocket';
import type { Redis } from 'ioredis';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerSecurityHeaders } from './common/security-headers';
import type { GatewayConfig } from './config/gateway-config';
import { GatewayModule } from './gateway.module';
import { AccessTokenVerifier, edgeAuthHook } from './modules/edge-auth';
import { PUSH_ROUTES, registerPushRoutes, PushHub, selectProtocol, SessionWatch } from './modules/push';
import { EdgeRateLimiter, rateLimitHook } from './modules/rate-limit';
import { registerUpstreamProxy, UpstreamPool } from './modules/routing';

/** Clients send nothing on the push stream but pongs and a close; a larger frame ends the socket. */
const WEBSOCKET_MAX_PAYLOAD_BYTES = 1024;
/** An answer slower than this is logged as a warning; a proxied read is normally answered in milliseconds. */
const SLOW_REQUEST_MS = 1000;

export async function createGatewayApp(config: GatewayConfig): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(GatewayModule.forRoot(config), {
    trustedProxies: config.trustedProxies,
    bodyLimitBytes: config.GATEWAY_BODY_LIMIT_BYTES,
    edge: { maxInputDepth: config.API_MAX_JSON_DEPTH, metricsToken: config.METRICS_TOKEN, securityHeaders: false },
  });
  app.useGlobalFilters(new ApiExceptionFilter());
  const fastify = app.getHttpAdapter().getInstance();
  logRequestsFromFastify(fastify, { slowMs: SLOW_REQUEST_MS, streamRoutes: Object.values(PUSH_ROUTES) });
  await registerSecurityHeaders(app, config);
  const verifier = new AccessTokenVerifier(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS);
  const rateLimit = rateLimitHook(new EdgeRateLimiter(app.get<Redis>(REDIS_CLIENT)), config);
  // Before the proxied routes: an upgrade request to one of them is then closed, not passed on.
  await fastify.register(websocket, {
    options: { maxPayload: WEBSOCKET_MAX_PAYLOAD_BYTES, perMessageDeflate: false, handleProtocols: selectProtocol },
  });
  await registerPushRoutes(fastify, {
    hub: app.get(PushHub),
    sessions: app.get(SessionWatch),
    verifier,
    config,
    rateLimit,
  });
  await registerUpstreamProxy(fastify, {
    pool: app.get(UpstreamPool),
    config,
    edgeChecks: [edgeAuthHook(verifier), rateLimit],
  });
  return app;
}
