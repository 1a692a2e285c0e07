import { disposeIsolatedResources, eventually, uniqueTestId } from '@casino/platform/testing';
import { createHash } from 'node:crypto';
import { PinoLogger } from 'nestjs-pino';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { GatewayUnderTest } from './support/gateway-under-test';
import { UpstreamServer } from './support/upstream-server';

describe('gateway routing to the API instances (e2e)', () => {
  const id = uniqueTestId('gwrouting');
  let a: UpstreamServer;
  let b: UpstreamServer;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    a = await UpstreamServer.start('a');
    b = await UpstreamServer.start('b');
    gateway = await GatewayUnderTest.start(id, {
      GATEWAY_UPSTREAMS: `${a.origin},${b.origin}`,
      // Passive ejection is what these cases watch; readiness rounds are run by hand.
      GATEWAY_HEALTH_CHECK_INTERVAL_MS: '60000',
      GATEWAY_BODY_LIMIT_BYTES: '2048',
      GATEWAY_UPSTREAM_TIMEOUT_MS: '500',
      GATEWAY_CORS_ORIGINS: 'https://play.example.test',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await a?.kill();
    await b?.kill();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  });

  /** Both instances up and in rotation again, with nothing seen yet. */
  async function bothInRotation(): Promise<void> {
    for (const upstream of [a, b]) {
      upstream.ready = true;
      upstream.seen.length = 0;
    }
    await gateway.checkUpstreams();
  }

  beforeEach(bothInRotation);

  it('spreads requests over both instances in turn', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await gateway.send('GET', `/api/v1/games?i=${i}`)).json()['instance']);
    expect(answers.sort()).toEqual(['a', 'a', 'b', 'b']);
    expect(a.seenAt('/api/v1/games')).toHaveLength(2);
    expect(a.seenAt('/api/v1/games')[0]?.url).toMatch(/^\/api\/v1\/games\?i=\d$/);
  });

  it('routes /docs, /docs-json and /backoffice, and nothing else', async () => {
    for (const path of ['/docs', '/docs/swagger-ui.css', '/docs-json', '/backoffice', '/backoffice/assets/x.js']) {
      expect((await gateway.send('GET', path)).status).toBe(200);
    }
    const other = await gateway.send('GET', '/internal/secret');
    expect(other.status).toBe(404);
    expect(other.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    expect([...a.seen, ...b.seen].map((seen) => seen.url)).not.toContain('/internal/secret');
  });

  it('appends the peer address to X-Forwarded-For, so a forged left-most entry never becomes the client IP', async () => {
    // The client connects from 127.0.0.2; the instance trusts only the gateway's 127.0.0.1.
    await gateway.send('GET', '/api/v1/users/me', {
      headers: { 'x-forwarded-for': '203.0.113.9' },
      fromAddress: '127.0.0.2',
    });
    const [seen] = [...a.seen, ...b.seen];
    expect(seen?.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.2');
    expect(seen?.clientIp).toBe('127.0.0.2');
    expect(seen?.clientIp).not.toBe('203.0.113.9');
  });

  it('passes a well-formed X-Request-Id on, and replaces a malformed one with its own', async () => {
    const kept = await gateway.send('GET', '/api/v1/a', { headers: { 'x-request-id': 'client-chosen.id-1' } });
    const replaced = await gateway.send('GET', '/api/v1/b', { headers: { 'x-request-id': 'bad id <script>' } });
    const seen = [...a.seen, ...b.seen];
    expect(kept.headers['x-request-id']).toBe('client-chosen.id-1');
    expect(seen.find((s) => s.url === '/api/v1/a')?.headers['x-request-id']).toBe('client-chosen.id-1');
    const newId = replaced.headers['x-request-id'];
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.find((s) => s.url === '/api/v1/b')?.headers['x-request-id']).toBe(newId);
  });

  it('logs a proxied request once, from its own hook, with its request id', async () => {
    const root = PinoLogger.root;
    const level = root.level;
    root.level = 'info';
    const info = jest.spyOn(root, 'info');
    let calls: unknown[][] = [];
    const logged = () =>
      info.mock.calls.filter(([fields]) => (fields as { requestId?: string }).requestId === 'gateway-log-1');
    try {
      await gateway.send('GET', '/api/v1/logged', { headers: { 'x-request-id': 'gateway-log-1' } });
      // The line is written once the answer has left, which may be after the client has read it.
      await eventually(() => Promise.resolve(logged().length > 0), 2000, 10);
      calls = logged();
    } finally {
      info.mockRestore();
      root.level = level;
    }
    expect(calls).toHaveLength(1);
    const [fields, message] = calls[0] as [{ req: { url: string }; res: { statusCode: number } }, string];
    expect(message).toBe('request completed');
    expect(fields.req.url).toBe('/api/v1/logged');
    expect(fields.res.statusCode).toBe(200);
  });

  it('passes a webhook body byte for byte, with its content type, without parsing it', async () => {
    const body = Buffer.from('{"id":"evt_1",  "amount":1e2,\n"note":"caf\u00e9"}  ', 'utf8');
    const response = await gateway.send('POST', '/api/v1/payments/webhooks/stripe', {
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': 't=1,v1=abc' },
      body,
    });
    expect(response.status).toBe(200);
    const [seen] = [...a.seen, ...b.seen];
    expect(seen?.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(seen?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(seen?.headers['stripe-signature']).toBe('t=1,v1=abc');
  });

  it('refuses a body over GATEWAY_BODY_LIMIT_BYTES with 413 and the error body; no instance sees it', async () => {
    const response = await gateway.send('POST', '/api/v1/payments/webhooks/stripe', {
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(4096, 0x20),
    });
    expect(response.status).toBe(413);
    expect(response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' }, requestId: expect.any(String) });
    expect([...a.seen, ...b.seen]).toHaveLength(0);
  });

  it('sends nothing to an instance whose readiness fails (down or draining), and takes it back when ready', async () => {
    b.ready = false;
    await gateway.checkUpstreams();
    for (let i = 0; i < 4; i++) expect((await gateway.send('GET', '/api/v1/x')).json()['instance']).toBe('a');
    b.ready = true;
    await gateway.checkUpstreams();
    const answers = new Set();
    for (let i = 0; i < 4; i++) answers.add((await gateway.send('GET', '/api/v1/x')).json()['instance']);
    expect(answers).toEqual(new Set(['a', 'b']));
  });

  it('answers 503 UPSTREAM_UNAVAILABLE with the error body when no instance is in rotation', async () => {
    a.ready = false;
    b.ready = false;
    await gateway.checkUpstreams();
    const response = await gateway.send('GET', '/api/v1/x');
    expect(response.status).toBe(503);
    expect(response.json()).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' }, requestId: expect.any(String) });
  });

  it('answers 504 UPSTREAM_TIMEOUT when an instance answers later than GATEWAY_UPSTREAM_TIMEOUT_MS', async () => {
    const response = await gateway.send('GET', '/api/v1/late');
    expect(response.status).toBe(504);
    expect(response.json()).toMatchObject({ error: { code: 'UPSTREAM_TIMEOUT' } });
  });

  it('puts security headers on proxied answers and its own', async () => {
    for (const path of ['/api/v1/x', '/health/live', '/nowhere']) {
      const response = await gateway.send('GET', path);
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
      });
    }
  });

  it('answers CORS for the configured web app origin only', async () => {
    const preflight = (origin: string) =>
      gateway.send('OPTIONS', '/api/v1/wallets/me', {
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('https://play.example.test');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://play.example.test');
    expect(allowed.headers['access-control-allow-headers']).toContain('authorization');
    const other = await preflight('https://evil.example.test');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await gateway.send('GET', '/api/v1/x', { headers: { origin: 'https://evil.example.test' } });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('asks every instance for its readiness each GATEWAY_HEALTH_CHECK_INTERVAL_MS by itself', async () => {
    const checking = await GatewayUnderTest.start(id, {
      GATEWAY_UPSTREAMS: `${a.origin},${b.origin}`,
      GATEWAY_HEALTH_CHECK_INTERVAL_MS: '200',
    });
    try {
      b.ready = false;
      await eventually(async () => {
        const answers = await Promise.all([1, 2, 3].map(() => checking.send('GET', '/api/v1/x')));
        return answers.every((answer) => answer.json()['instance'] === 'a');
      }, 5_000);
      b.ready = true;
      await eventually(async () => (await checking.send('GET', '/api/v1/x')).json()['instance'] === 'b', 5_000);
    } finally {
      await checking.close();
    }
  });

  describe('an instance killed', () => {
    afterEach(async () => {
      for (const upstream of [a, b]) {
        await upstream.kill();
        await upstream.listen();
      }
    });

    it('fails only the request in flight on it (never retried: not idempotent); the rest go to the other', async () => {
      const inFlight = gateway.send('POST', '/api/v1/hang', {
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      await eventually(async () => a.seenAt('/api/v1/hang').length + b.seenAt('/api/v1/hang').length === 1);
      const [victim, survivor] = a.seenAt('/api/v1/hang').length === 1 ? [a, b] : [b, a];
      await victim.kill();

      const failed = await inFlight;
      expect(failed.status).toBe(502);
      expect(failed.json()).toMatchObject({ error: { code: 'UPSTREAM_FAILED' }, requestId: expect.any(String) });
      expect(survivor.seenAt('/api/v1/hang')).toHaveLength(0);

      for (let i = 0; i < 4; i++) {
        const response = await gateway.send('POST', '/api/v1/bets', {
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(response.status).toBe(200);
        expect(response.json()['instance']).toBe(survivor.name);
      }
    });

    it('retries an idempotent read once on the other instance after a connection failure', async () => {
      await b.kill();
      for (let i = 0; i < 4; i++) {
        const response = await gateway.send('GET', `/api/v1/games?i=${i}`);
        expect(response.status).toBe(200);
        expect(response.json()['instance']).toBe('a');
      }
      expect(a.seenAt('/api/v1/games')).toHaveLength(4);
    });

    it('sends a write that could not connect to a gone instance to the other one, the same bytes, once', async () => {
      await b.kill();
      const bodies = ['{"i":0}', '{"i":1}'];
      const answers = [];
      for (const body of bodies) {
        answers.push(
          (await gateway.send('POST', '/api/v1/bets', { headers: { 'content-type': 'application/json' }, body }))
            .status,
        );
      }
      // Refused before anything was sent (ECONNREFUSED), so nothing of it can have been applied on the gone instance.
      expect(answers).toEqual([200, 200]);
      expect(a.seenAt('/api/v1/bets').map((seen) => seen.bodySha256)).toEqual(
        bodies.map((body) => createHash('sha256').update(body).digest('hex')),
      );
    });
  });
});
