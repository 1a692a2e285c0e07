import { Body, Controller, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsInt, IsString, Min } from 'class-validator';
import { Public } from '../src/common/auth/auth.decorators';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';

class EchoBody {
  @IsString()
  public name!: string;

  @IsInt()
  @Min(1)
  public count!: number;
}

/** A route that exists only to drive the global ValidationPipe and filter the way every module's DTOs do. */
@Public()
@Controller('conventions-probe')
class ConventionsProbeController {
  @Post()
  public echo(@Body() body: EchoBody): EchoBody {
    return body;
  }
}

@Module({ controllers: [ConventionsProbeController] })
class ConventionsProbeModule {}

describe('nest-app platform (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    environment = await createTestEnvironment('platform');
    app = await startTestApp(environment.config, [ConventionsProbeModule]);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  it('is ready when PostgreSQL, Redis, NATS and ClickHouse answer', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      details: {
        postgres: { status: 'up' },
        redis: { status: 'up' },
        nats: { status: 'up' },
        clickhouse: { status: 'up' },
      },
    });
  });

  it('is live', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
  });

  it('exposes Prometheus metrics with process metrics and the request histogram by route', async () => {
    await app.inject({ method: 'GET', url: '/health/live' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('process_cpu_user_seconds_total');
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} \d+/,
    );
  });

  it('serves the OpenAPI document generated from the code', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain('/api/v1/conventions-probe');
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND and the request id', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/no-such-thing',
      headers: { 'x-request-id': 'req-abc-123' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toBe('req-abc-123');
    expect(response.json()).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: 'No such route' },
      requestId: 'req-abc-123',
    });
  });

  it('answers an invalid body with 400 VALIDATION_FAILED naming each field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/conventions-probe',
      payload: { name: 42, count: 0, extra: true },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json<{
      error: { code: string; details: { fields: { field: string }[] } };
      requestId: string;
    }>();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.fields.map((f) => f.field).sort()).toEqual(['count', 'extra', 'name']);
    expect(body.requestId).toEqual(expect.any(String));
  });

  it('answers unparsable JSON with 400 MALFORMED_REQUEST', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/conventions-probe',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'MALFORMED_REQUEST' } });
  });

  it('accepts a valid body and transforms it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/conventions-probe',
      payload: { name: 'x', count: 2 },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'x', count: 2 });
  });
});
