import { DisposableRedis } from '@casino/platform/testing';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { newPlayer, type TestPlayer } from './game/support/game-test-app';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

/**
 * PostgreSQL or Redis unreachable for the app: the API routes that need them answer 503 `SERVICE_UNAVAILABLE` in the
 * ADR 0009 body with a Retry-After (not a 500 that reads as a bug, nor a 401 that signs the client out), logged a line
 * per dependency, and answer again once the dependency is back, without a restart.
 */
describe('API answers while a dependency is down (e2e)', () => {
  let redis: DisposableRedis;
  let environment: TestEnvironment;
  let app: NestFastifyApplication | undefined;
  let admin: Client;
  let player: TestPlayer;

  beforeAll(async () => {
    // Redis of the suite's own, so that stopping it touches no other suite.
    redis = await DisposableRedis.start();
    environment = await createTestEnvironment('dependency-outage', { REDIS_URL: redis.url });
    app = await startTestApp(environment.config);
    const url = new URL(environment.config.DATABASE_URL);
    url.pathname = '/postgres';
    admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    player = await newPlayer(app, 'outage', 1_000n);
  });

  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${environment.id} CONNECTION LIMIT -1`).catch(() => undefined);
    await admin?.end();
    await app?.close();
    await environment?.dispose();
    await redis?.stop();
  });

  function running(): NestFastifyApplication {
    if (!app) throw new Error('the app is closed');
    return app;
  }

  function get(url: string) {
    return running().inject({ method: 'GET', url, headers: player.headers });
  }

  function expectUnavailable(response: Awaited<ReturnType<typeof get>>): void {
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toEqual({
      error: { code: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable; try again shortly' },
      requestId: response.headers['x-request-id'],
    });
  }

  function recordWarnings(): { lines: Record<string, unknown>[]; stop: () => void } {
    const lines: Record<string, unknown>[] = [];
    const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation((...[entry]: unknown[]) => {
      if (typeof entry === 'object' && entry !== null) lines.push(entry as Record<string, unknown>);
    });
    return { lines, stop: () => spy.mockRestore() };
  }

  const unavailableLines = (lines: Record<string, unknown>[]) =>
    lines.filter((line) => line['errorCode'] === 'DEPENDENCY_UNAVAILABLE');

  it('answers 503 while PostgreSQL refuses connections, one log line for the outage, and 200 once it is back', async () => {
    expect((await get('/api/v1/wallets/me')).statusCode).toBe(200);
    const warnings = recordWarnings();
    await admin.query(`ALTER DATABASE ${environment.id} CONNECTION LIMIT 0`);
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [environment.id],
      );
      for (const url of [
        '/api/v1/wallets/me',
        '/api/v1/wallets/me/transactions',
        '/api/v1/users/me',
        '/api/v1/games',
      ]) {
        expectUnavailable(await get(url));
      }
    } finally {
      await admin.query(`ALTER DATABASE ${environment.id} CONNECTION LIMIT -1`);
      warnings.stop();
    }
    expect(unavailableLines(warnings.lines)).toEqual([
      expect.objectContaining({ dependency: 'postgres', cause: expect.stringMatching(/^(53300|57P01)$/) }),
    ]);
    expect((await get('/api/v1/wallets/me')).statusCode).toBe(200);
  });

  it('answers 503, not 401, to a signed-in player while Redis (the sessions) is down, and 200 once it is back', async () => {
    expect((await get('/api/v1/users/me')).statusCode).toBe(200);
    const warnings = recordWarnings();
    await redis.stop();
    try {
      expectUnavailable(await get('/api/v1/wallets/me'));
      expectUnavailable(await get('/api/v1/users/me'));
      expectUnavailable(
        await running().inject({
          method: 'POST',
          url: '/api/v1/auth/email/start',
          payload: { email: 'outage-start@example.test' },
        }),
      );
    } finally {
      await redis.restart();
      warnings.stop();
    }
    expect(unavailableLines(warnings.lines)).toEqual([expect.objectContaining({ dependency: 'redis' })]);
    // The suite's redis-server keeps nothing across its restart: the player signs in again.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    player = await newPlayer(running(), 'outage-after', 0n);
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await get('/api/v1/users/me')).statusCode;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
    // Its BullMQ workers reconnected too: the shutdown does not wait for them (their default backoff reaches 20 s).
    const closing = Date.now();
    await running().close();
    app = undefined;
    expect(Date.now() - closing).toBeLessThan(5_000);
  });
});
