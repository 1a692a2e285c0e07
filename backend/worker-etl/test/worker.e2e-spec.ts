import { disposeIsolatedResources, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createWorkerApp } from '../src/bootstrap';
import { loadWorkerConfig } from '../src/config/load-worker-config';
import type { WorkerConfig } from '../src/config/worker-config';

async function boot(config: WorkerConfig): Promise<NestFastifyApplication> {
  const app = await createWorkerApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('worker-etl platform (e2e)', () => {
  const id = uniqueTestId('worker');
  const config = loadWorkerConfig(isolatedSettings(id));

  afterAll(() => disposeIsolatedResources(id, config));

  it('is ready with Redis, NATS and ClickHouse up, and serves metrics', async () => {
    const app = await boot(config);
    try {
      const response = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        details: { redis: { status: 'up' }, nats: { status: 'up' }, clickhouse: { status: 'up' } },
      });
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toContain('process_resident_memory_bytes');
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming ClickHouse when ClickHouse cannot be reached', async () => {
    const app = await boot(loadWorkerConfig({ ...isolatedSettings(id), CLICKHOUSE_URL: 'http://127.0.0.1:1' }));
    try {
      const response = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        error: { code: 'SERVICE_UNAVAILABLE', details: { down: ['clickhouse'] } },
      });
    } finally {
      await app.close();
    }
  });
});
