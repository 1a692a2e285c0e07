import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { UsersService } from '../src/modules/user/users.service';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { signedInAs } from './support/user-test-auth';
import { startUserTestApp } from './support/user-test-app';

const ORIGIN = { ip: '203.0.113.14', userAgent: 'jest' };
const CONSENTS = [
  { kind: 'terms', version: '1', granted: true },
  { kind: 'privacy', version: '1', granted: true },
];

/**
 * From a trusted proxy (here the test's peer, 127.0.0.1) the client IP is the right-most X-Forwarded-For
 * entry the proxy did not write; an untrusted peer's header is ignored. A value that is no address is
 * stored as no address (null), and the request goes through.
 */
describe('request origin behind a trusted proxy (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let users: UsersService;

  beforeAll(async () => {
    environment = await createTestEnvironment('user-origin', {
      API_TRUSTED_PROXIES: '127.0.0.1,::1',
      CONSENT_TERMS_VERSION: '1',
      CONSENT_PRIVACY_VERSION: '1',
      CONSENT_MARKETING_VERSION: '1',
    });
    ({ app } = await startUserTestApp(environment.config));
    users = app.get(UsersService);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  async function newPlayer(label: string): Promise<string> {
    return (await users.findOrRegisterByEmail(`${label}@example.test`, ORIGIN)).account.id;
  }

  async function consentsFrom(forwardedFor: string, userId: string, remoteAddress = '127.0.0.1') {
    return app.inject({
      method: 'PUT',
      remoteAddress,
      url: '/api/v1/users/me/consents',
      headers: { ...(await signedInAs(app, userId)), 'x-forwarded-for': forwardedFor },
      payload: { consents: CONSENTS },
    });
  }

  async function consentIps(userId: string): Promise<(string | null)[]> {
    const rows: { ip: string | null }[] = await app
      .get(DataSource)
      .query(`SELECT host(ip) AS ip FROM user_consents WHERE user_id = $1 ORDER BY id`, [userId]);
    return rows.map((row) => row.ip);
  }

  it('records consents with the forwarded client address', async () => {
    const userId = await newPlayer('origin-valid');
    expect((await consentsFrom('198.51.100.44', userId)).statusCode).toBe(200);
    expect(await consentIps(userId)).toEqual(['198.51.100.44', '198.51.100.44']);
  });

  it('takes the right-most untrusted entry, not the forged left-most one', async () => {
    const userId = await newPlayer('origin-chain');
    expect((await consentsFrom('203.0.113.9, 198.51.100.45', userId)).statusCode).toBe(200);
    expect(await consentIps(userId)).toEqual(['198.51.100.45', '198.51.100.45']);
  });

  it('skips entries written by trusted proxies', async () => {
    const userId = await newPlayer('origin-hops');
    expect((await consentsFrom('203.0.113.9, 198.51.100.46, ::1', userId)).statusCode).toBe(200);
    expect(await consentIps(userId)).toEqual(['198.51.100.46', '198.51.100.46']);
  });

  it("ignores an untrusted peer's X-Forwarded-For", async () => {
    const userId = await newPlayer('origin-untrusted');
    expect((await consentsFrom('203.0.113.9, 198.51.100.47', userId, '192.0.2.50')).statusCode).toBe(200);
    expect(await consentIps(userId)).toEqual(['192.0.2.50', '192.0.2.50']);
  });

  it('records consents with no address when the forwarded "address" is not one', async () => {
    const userId = await newPlayer('origin-forged');
    const response = await consentsFrom('not-an-ip', userId);
    expect(response.statusCode).toBe(200);
    expect(await consentIps(userId)).toEqual([null, null]);
  });

  it('writes a security event with no address, not a made-up one, for a forged address', async () => {
    const userId = await newPlayer('origin-logout');
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...(await signedInAs(app, userId)), 'x-forwarded-for': 'forged' },
    });
    expect(response.statusCode).toBe(204);
    const events: { ip: string | null }[] = await app
      .get(DataSource)
      .query(`SELECT host(ip) AS ip FROM security_events WHERE user_id = $1 AND kind = 'session.revoked'`, [userId]);
    expect(events).toEqual([{ ip: null }]);
  });
});
