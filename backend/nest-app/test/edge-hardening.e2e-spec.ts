import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect } from 'node:net';
import { bearer, signIn, signInAsStaff, uniqueEmail, type SignedIn } from './support/sign-in';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

const METRICS_TOKEN = 'metrics-token-of-this-suite';

/**
 * Issue 15, the outside probe's findings at the HTTP edge: hostile values refused before any handler, security
 * headers, no caching of API answers, /metrics behind its token, /docs by setting, one policy for unknown query
 * parameters, a KYC review of nobody answering 404, and Fastify's own refusals in the API's error body.
 * (The same hostile inputs over every route: security-sweep.e2e-spec.ts.)
 */
describe('the HTTP edge (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let player: SignedIn;
  let staff: SignedIn;

  beforeAll(async () => {
    environment = await createTestEnvironment('edge-hardening', {
      ADMIN_EMAIL: uniqueEmail('edge-admin'),
      METRICS_TOKEN,
    });
    app = await startTestApp(environment.config);
    player = await signIn(app);
    staff = await signInAsStaff(app, environment.config.ADMIN_EMAIL);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  const errorOf = (response: { json: <T>() => T }) =>
    response.json<{ error: { code: string; message: string } }>().error;

  describe('hostile values', () => {
    it('refuses a NUL character in a query value with 400 INPUT_NUL_CHARACTER (it answered 500 from PostgreSQL)', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/v1/games?search=a%00b' });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response)).toMatchObject({
        code: 'INPUT_NUL_CHARACTER',
        message: 'The request query contains a NUL character',
      });
    });

    it('refuses a NUL character in a path parameter and in a body field, key or value', async () => {
      const path = await app.inject({ method: 'GET', url: '/api/v1/games/a%00b' });
      expect(errorOf(path).code).toBe('INPUT_NUL_CHARACTER');
      for (const payload of [{ email: 'a\u0000@example.test' }, { ['em\u0000ail']: 'a@example.test' }]) {
        const response = await app.inject({ method: 'POST', url: '/api/v1/auth/email/start', payload });
        expect(response.statusCode).toBe(400);
        expect(errorOf(response).code).toBe('INPUT_NUL_CHARACTER');
      }
    });

    it('refuses a body nested thousands of levels deep with 400 INPUT_TOO_DEEP (it overflowed the validation pipe: 500)', async () => {
      const payload = `{"email":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/email/start',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'INPUT_TOO_DEEP' });
    });

    it('still takes a body nested within API_MAX_JSON_DEPTH to its validation', async () => {
      const nested = JSON.parse(`${'['.repeat(20)}"x"${']'.repeat(20)}`) as unknown;
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/email/start',
        payload: { email: nested },
      });
      expect(errorOf(response).code).toBe('VALIDATION_FAILED');
    });
  });

  describe('headers', () => {
    it('sends the security headers on every answer and no-store on API answers', async () => {
      for (const url of ['/api/v1/games', '/api/v1/wallets/me', '/health/live', '/api/v1/no-such-route']) {
        const response = await app.inject({ method: 'GET', url, headers: bearer(player.accessToken) });
        expect(response.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'referrer-policy': 'no-referrer',
        });
        expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(response.headers['content-security-policy']).toContain("script-src 'self'");
        if (url.startsWith('/api/')) expect(response.headers['cache-control']).toBe('no-store');
      }
    });

    it('serves the OpenAPI page under the same policy (scripts from this origin only)', async () => {
      const page = await app.inject({ method: 'GET', url: '/docs' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    });
  });

  describe('metrics', () => {
    it('answers /metrics only with its bearer token', async () => {
      const open = await app.inject({ method: 'GET', url: '/metrics' });
      expect(open.statusCode).toBe(401);
      expect(errorOf(open).code).toBe('UNAUTHENTICATED');
      const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode).toBe(401);
      const scraped = await app.inject({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) });
      expect(scraped.statusCode).toBe(200);
      expect(scraped.body).toContain('process_cpu_user_seconds_total');
    });
  });

  describe('unknown query parameters: refused everywhere', () => {
    it('refuses one on a route that takes none, and on a route with a query DTO, naming it', async () => {
      for (const url of ['/api/v1/wallets/me?currency=EUR', '/api/v1/games?stauts=enabled']) {
        const response = await app.inject({ method: 'GET', url, headers: bearer(player.accessToken) });
        expect(response.statusCode).toBe(400);
        expect(errorOf(response)).toMatchObject({ code: 'QUERY_PARAMETER_UNKNOWN' });
      }
      const declared = await app.inject({ method: 'GET', url: '/api/v1/games?search=book' });
      expect(declared.statusCode).toBe(200);
    });
  });

  it('answers 404 USER_NOT_FOUND to a KYC review of an id that is nobody (it answered 200 with an empty review)', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/kyc',
      headers: bearer(staff.accessToken),
    });
    expect(response.statusCode).toBe(404);
    expect(errorOf(response).code).toBe('USER_NOT_FOUND');
    const own = await app.inject({
      method: 'GET',
      url: `/api/v1/admin/users/${player.userId}/kyc`,
      headers: bearer(staff.accessToken),
    });
    expect(own.statusCode).toBe(200);
  });

  describe("Fastify's own refusals in the API's error body", () => {
    it('answers a URL it cannot decode, an unsupported media type and an oversized body in the error body', async () => {
      const badUrl = await app.inject({ method: 'GET', url: '/api/v1/games/%zz' });
      expect(badUrl.statusCode).toBe(400);
      expect(errorOf(badUrl).code).toBe('MALFORMED_REQUEST');
      const media = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/email/start',
        headers: { 'content-type': 'application/xml' },
        payload: '<email/>',
      });
      expect(media.statusCode).toBe(415);
      expect(errorOf(media).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const large = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/email/start',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'x'.repeat(2_000_000) }),
      });
      expect(large.statusCode).toBe(413);
      expect(errorOf(large).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers headers over the size limit and a broken request line on the socket, in the error body', async () => {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.getHttpServer().address() as { port: number };
      const oversized = await rawExchange(
        port,
        `GET /api/v1/games HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(oversized.status).toBe(431);
      expect(JSON.parse(oversized.body)).toMatchObject({ error: { code: 'REQUEST_HEADERS_TOO_LARGE' } });
      const broken = await rawExchange(port, 'NOT A REQUEST\r\n\r\n');
      expect(broken.status).toBe(400);
      expect(JSON.parse(broken.body)).toMatchObject({ error: { code: 'MALFORMED_REQUEST' } });
    });
  });
});

/** Sends raw bytes, reads the whole answer (the server closes the connection after such a refusal). */
function rawExchange(port: number, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body });
    });
  });
}

describe('the OpenAPI page switched off (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    environment = await createTestEnvironment('edge-no-docs', { API_DOCS_ENABLED: 'false' });
    app = await startTestApp(environment.config);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  it('serves neither /docs nor /docs-json with API_DOCS_ENABLED=false (production never serves them)', async () => {
    for (const url of ['/docs', '/docs-json']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
    }
  });
});
