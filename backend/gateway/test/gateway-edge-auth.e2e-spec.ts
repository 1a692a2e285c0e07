import { disposeIsolatedResources, uniqueTestId } from '@casino/platform/testing';
import { sign, type SignOptions } from 'jsonwebtoken';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { GatewayUnderTest } from './support/gateway-under-test';
import { UpstreamServer } from './support/upstream-server';

const SECRET = 'edge-test-secret-of-at-least-32-characters';

function accessToken(
  overrides: { secret?: string; options?: SignOptions; claims?: Record<string, unknown> } = {},
): string {
  const claims = { roles: ['player'], sid: 'session-1', ...overrides.claims };
  return sign(claims, overrides.secret ?? SECRET, {
    algorithm: 'HS256',
    subject: 'user-1',
    issuer: 'casino-nest-app',
    audience: 'casino-api',
    ...('exp' in claims ? {} : { expiresIn: 900 }),
    ...overrides.options,
  });
}

function unsigned(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe('gateway: access tokens checked at the edge (e2e)', () => {
  const id = uniqueTestId('gwedgeauth');
  let upstream: UpstreamServer;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    upstream = await UpstreamServer.start('api');
    gateway = await GatewayUnderTest.start(id, { GATEWAY_UPSTREAMS: upstream.origin, JWT_SECRET: SECRET });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.kill();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  });

  beforeEach(() => {
    upstream.seen.length = 0;
  });

  const withToken = (token: string) =>
    gateway.send('GET', '/api/v1/wallets/me', { headers: { authorization: `Bearer ${token}` } });

  it('passes a valid player or staff token on, unchanged', async () => {
    for (const roles of [['player'], ['admin']]) {
      const token = accessToken({ claims: { roles } });
      const response = await withToken(token);
      expect(response.status).toBe(200);
      expect(upstream.seen.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
    }
  });

  it('passes a request without a token: nest-app decides what is public', async () => {
    expect((await gateway.send('GET', '/api/v1/games')).status).toBe(200);
    expect(upstream.seen).toHaveLength(1);
  });

  const now = Math.floor(Date.now() / 1000);
  it.each([
    ['signed with another secret', accessToken({ secret: 'another-secret-of-at-least-32-characters' })],
    [
      'alg: none',
      unsigned({ sub: 'user-1', sid: 's', iss: 'casino-nest-app', aud: 'casino-api', iat: now, exp: now + 900 }),
    ],
    ['another algorithm (HS512) with the right secret', accessToken({ options: { algorithm: 'HS512' } })],
    ['expired', accessToken({ claims: { iat: now - 2000, exp: now - 1100 } })],
    ['for another audience', accessToken({ options: { audience: 'someone-else' } })],
    ['from another issuer', accessToken({ options: { issuer: 'someone-else' } })],
    ['without a session id', accessToken({ claims: { sid: undefined } })],
    ['living longer than tokens are issued for', accessToken({ options: { expiresIn: 86_400 } })],
    [
      'with a changed payload',
      accessToken().replace(/\.[^.]+\./, `.${Buffer.from('{"sub":"admin"}').toString('base64url')}.`),
    ],
    ['not a JWT (a refresh token as bearer)', 'rt_6f1c2a9e0b7d4e3f8a1b'],
    ['empty', ''],
  ])('refuses a token %s with 401 and the error body; nest-app sees nothing', async (_case, token) => {
    const response = await withToken(token);
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' }, requestId: expect.any(String) });
    expect(upstream.seen).toHaveLength(0);
  });
});
