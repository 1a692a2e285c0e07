import { Injectable } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { HealthModule } from './health.module';
import type { ReadinessProbe } from './readiness-probe';

@Injectable()
class LeakyDatabaseProbe implements ReadinessProbe {
  public readonly name = 'database';

  public check(): Promise<void> {
    return Promise.reject(new Error('cannot connect to postgres://casino:hunter2@db.internal:5432/casino'));
  }
}

describe('GET /health/ready', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(
      HealthModule.forProbes([LeakyDatabaseProbe]),
      new FastifyAdapter(),
      { logger: false },
    );
    app.useGlobalFilters(new ApiExceptionFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('answers 503 without the password a failing probe quotes', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain('hunter2');
    expect(response.json()).toMatchObject({
      error: {
        code: 'SERVICE_UNAVAILABLE',
        details: {
          down: ['database'],
          checks: {
            database: { status: 'down', message: 'cannot connect to postgres://***@db.internal:5432/casino' },
          },
        },
      },
    });
  });
});
