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

  beforeAll(async () => {
    redis = await DisposableRedis.start();
    config = loadGatewayConfig({ ...isolatedSettings(id), REDIS_URL: redis.url });
    app = await createGatewayApp(config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
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
});
