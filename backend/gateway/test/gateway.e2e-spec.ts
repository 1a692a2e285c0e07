import {
  DisposableRedis,
  disposeIsolatedResources,
  eventually,
  isolatedSettings,
  uniqueTestId,
} from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createGatewayApp } from '../src/bootstrap';
import type { GatewayConfig } from '../src/config/gateway-config';
import { loadGatewayConfig } from '../src/config/load-gateway-config';

describe('gateway platform (e2e)', () => {
  const id = uniqueTestId('gateway');
  let redis: DisposableRedis;
  let config: GatewayConfig;
  let app: NestFastifyApplication;
  let behindBalancer: NestFastifyApplication;

  /** The gateway with a route that answers the client IP it sees. */
  async function startWithClientIpRoute(settings: Record<string, string>): Promise<NestFastifyApplication> {
    const started = await createGatewayApp(loadGatewayConfig(settings));
    started
      .getHttpAdapter()
      .getInstance()
      .get('/test/client-ip', (request) => ({ ip: request.ip }));
    await started.init();
    await started.getHttpAdapter().getInstance().ready();
    return started;
  }

  beforeAll(async () => {
    redis = await DisposableRedis.start();
    config = loadGatewayConfig({ ...isolatedSettings(id), REDIS_URL: redis.url });
    app = await startWithClientIpRoute({ ...isolatedSettings(id), REDIS_URL: redis.url });
    behindBalancer = await startWithClientIpRoute({
      ...isolatedSettings(id),
      REDIS_URL: redis.url,
      GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8',
    });
  });

  afterAll(async () => {
    await behindBalancer?.close();
    await app?.close();
    await redis?.stop();
    await disposeIsolatedResources(id, config);
  });

  const ready = () => app.inject({ method: 'GET', url: '/health/ready' });

  it('is ready with Redis and NATS up', async () => {
    const response = await ready();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ details: { redis: { status: 'up' }, nats: { status: 'up' } } });
  });

  it('answers 503 naming Redis while it is down, and recovers without a restart', async () => {
    await redis.stop();
    await eventually(async () => (await ready()).statusCode === 503);
    const down = await ready();
    expect(down.json()).toMatchObject({
      error: { code: 'SERVICE_UNAVAILABLE', message: 'Not ready: redis down', details: { down: ['redis'] } },
      requestId: expect.any(String),
    });

    await redis.restart();
    await eventually(async () => (await ready()).statusCode === 200, 15_000);
  });

  it('serves Prometheus metrics', async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('http_request_duration_seconds_bucket');
  });

  it('answers an unknown route with the error body', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' }, requestId: expect.any(String) });
  });

  const clientIp = async (gateway: NestFastifyApplication, remoteAddress: string, forwardedFor: string) =>
    (
      await gateway.inject({
        method: 'GET',
        url: '/test/client-ip',
        remoteAddress,
        headers: { 'x-forwarded-for': forwardedFor },
      })
    ).json<{ ip: string }>().ip;

  it('trusts no X-Forwarded-For by default: the client IP is the peer address', async () => {
    expect(await clientIp(app, '192.0.2.70', '203.0.113.9')).toBe('192.0.2.70');
    expect(await clientIp(app, '127.0.0.1', '203.0.113.9, 198.51.100.70')).toBe('127.0.0.1');
  });

  it('behind a named load balancer takes the right-most entry it did not write', async () => {
    expect(await clientIp(behindBalancer, '10.1.2.3', '203.0.113.9, 198.51.100.71')).toBe('198.51.100.71');
    expect(await clientIp(behindBalancer, '192.0.2.71', '203.0.113.9, 198.51.100.71')).toBe('192.0.2.71');
  });
});
