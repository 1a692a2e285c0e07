import { DisposableRedis, disposeIsolatedResources, eventually, uniqueTestId } from '@casino/platform/testing';
import { Redis } from 'ioredis';
import { sign } from 'jsonwebtoken';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { GatewayUnderTest } from './support/gateway-under-test';
import { UpstreamServer } from './support/upstream-server';

const SECRET = 'edge-test-secret-of-at-least-32-characters';
const json = { 'content-type': 'application/json' };

const tokenOf = (userId: string) =>
  sign({ roles: ['player'], sid: `s-${userId}` }, SECRET, {
    algorithm: 'HS256',
    subject: userId,
    issuer: 'casino-nest-app',
    audience: 'casino-api',
    expiresIn: 900,
  });

describe('gateway: edge rate limits in Redis (e2e)', () => {
  const id = uniqueTestId('gwlimits');
  let redis: DisposableRedis;
  let admin: Redis;
  let upstream: UpstreamServer;
  let first: GatewayUnderTest;
  let second: GatewayUnderTest;

  beforeAll(async () => {
    redis = await DisposableRedis.start();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    upstream = await UpstreamServer.start('api');
    const settings = {
      REDIS_URL: redis.url,
      GATEWAY_UPSTREAMS: upstream.origin,
      JWT_SECRET: SECRET,
      // Refill so slow that a test sees exactly the burst.
      GATEWAY_LIMIT_SIGN_IN_PER_IP: '5/3600',
      GATEWAY_LIMIT_API_PER_PLAYER: '4/3600',
      GATEWAY_LIMIT_WEBHOOKS_PER_PROVIDER: '3/3600',
    };
    first = await GatewayUnderTest.start(id, settings);
    second = await GatewayUnderTest.start(id, settings);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await upstream?.kill();
    admin?.disconnect();
    await redis?.stop();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  });

  beforeEach(async () => {
    await admin.flushall();
    upstream.seen.length = 0;
  });

  const signIn = (gateway: GatewayUnderTest) =>
    gateway.send('POST', '/api/v1/auth/email/start', { headers: json, body: '{"email":"a@example.test"}' });

  it('lets the burst through, then answers 429 with Retry-After, the RateLimit headers and the error body', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(first)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const refused = await signIn(first);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['ratelimit-policy']).toBe('"sign-in-ip";q=5;w=3600');
    expect(refused.headers['ratelimit']).toMatch(/^"sign-in-ip";r=0;t=\d+$/);
    expect(refused.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', details: { limit: 'sign-in-ip' } },
      requestId: expect.any(String),
    });
    expect(upstream.seenAt('/api/v1/auth')).toHaveLength(5);
  });

  it('two gateway instances sharing one Redis together let exactly the burst through', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(i % 2 === 0 ? first : second)));
    const allowed = answers.filter((answer) => answer.status === 200).length;
    expect(allowed).toBe(5);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(15);
    expect(upstream.seenAt('/api/v1/auth')).toHaveLength(5);
  });

  it('limits each signed-in player by their verified id, not another player', async () => {
    const wallet = (userId: string) =>
      first.send('GET', '/api/v1/wallets/me', { headers: { authorization: `Bearer ${tokenOf(userId)}` } });
    for (let i = 0; i < 4; i++) expect((await wallet('player-1')).status).toBe(200);
    const refused = await wallet('player-1');
    expect(refused.status).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED', details: { limit: 'api-player' } } });
    expect((await wallet('player-2')).status).toBe(200);
  });

  it('limits webhooks per provider', async () => {
    const hub88 = () => second.send('POST', '/api/v1/providers/hub88/transaction/bet', { headers: json, body: '{}' });
    for (let i = 0; i < 3; i++) expect((await hub88()).status).toBe(200);
    expect((await hub88()).status).toBe(429);
    const stripe = await first.send('POST', '/api/v1/payments/webhooks/stripe', { headers: json, body: '{}' });
    expect(stripe.status).toBe(200);
  });

  it('with Redis down, reads and webhooks flow (fail open, counted) and sign-in is refused (fail closed)', async () => {
    await redis.stop();
    try {
      const read = await first.send('GET', '/api/v1/games');
      expect(read.status).toBe(200);
      const webhook = await first.send('POST', '/api/v1/payments/webhooks/stripe', { headers: json, body: '{}' });
      expect(webhook.status).toBe(200);

      const refused = await signIn(first);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json()).toMatchObject({
        error: { code: 'RATE_LIMITER_UNAVAILABLE' },
        requestId: expect.any(String),
      });
      expect(upstream.seenAt('/api/v1/auth')).toHaveLength(0);

      const metrics = await first.send('GET', '/metrics');
      expect(metrics.text).toMatch(/gateway_rate_limit_decisions_total\{class="api",outcome="fail_open"\} [1-9]/);
      expect(metrics.text).toMatch(/gateway_rate_limit_decisions_total\{class="sign_in",outcome="fail_closed"\} [1-9]/);
    } finally {
      await redis.restart();
    }
    await eventually(async () => (await signIn(first)).status === 200, 15_000, 250);
  });
});
