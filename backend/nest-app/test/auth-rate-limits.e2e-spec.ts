import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { uniqueEmail } from './support/sign-in';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

interface ErrorBody {
  error: { code: string; details?: { retryAfterSeconds?: number } };
}

describe('auth: per-account and per-IP rate limits (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    environment = await createTestEnvironment('authlimits', {
      ADMIN_EMAIL: uniqueEmail('admin'),
      AUTH_RATE_LIMIT_WINDOW_SECONDS: '60',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '3',
      AUTH_RATE_LIMIT_PER_IP: '6',
      API_TRUSTED_PROXIES: '127.0.0.1',
    });
    app = await startTestApp(environment.config);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  const verify = (email: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/email/verify', payload: { email, code: '123456' } });

  function expectRateLimited(response: Awaited<ReturnType<typeof verify>>): void {
    expect(response.statusCode).toBe(429);
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = response.json<ErrorBody>();
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.details?.retryAfterSeconds).toBe(retryAfter);
  }

  it('limits one account (by email) across requests, then one IP across accounts', async () => {
    const email = uniqueEmail('limited');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await verify(email)).statusCode);
    expect(statuses).toEqual([401, 401, 401]);
    expectRateLimited(await verify(email.toUpperCase()));

    // The same IP has made 4 requests of its 6; other accounts get 2 more, then the IP is limited.
    expect((await verify(uniqueEmail())).statusCode).toBe(401);
    expect((await verify(uniqueEmail())).statusCode).toBe(401);
    expectRateLimited(await verify(uniqueEmail()));
    expectRateLimited(
      await app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: 'x'.repeat(43) } }),
    );
  });

  const verifyFrom = (remoteAddress: string, forwardedFor: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/email/verify',
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor },
      payload: { email: uniqueEmail(), code: '123456' },
    });

  it('limits an untrusted client by its address whatever X-Forwarded-For it sends', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) statuses.push((await verifyFrom('192.0.2.60', `203.0.113.${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    expectRateLimited(await verifyFrom('192.0.2.60', '203.0.113.7'));
  });

  it('limits a client behind the trusted proxy by the address the proxy saw, not the forged ones before it', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) {
      statuses.push((await verifyFrom('127.0.0.1', `203.0.113.${i}, 198.51.100.61`)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    expectRateLimited(await verifyFrom('127.0.0.1', '203.0.113.7, 198.51.100.61'));
    // Another client behind the same proxy has its own limit.
    expect((await verifyFrom('127.0.0.1', '203.0.113.7, 198.51.100.62')).statusCode).toBe(401);
  });

  it('limits clients behind the trusted proxy without an address in one shared bucket', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) statuses.push((await verifyFrom('127.0.0.1', `not-an-address-${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    expectRateLimited(await verifyFrom('127.0.0.1', 'not-an-address-7'));
    expectRateLimited(await verifyFrom('127.0.0.1', 'fe80::1%eth0'));
  });

  it('leaves routes outside auth alone', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});
