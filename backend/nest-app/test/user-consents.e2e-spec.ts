import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { UsersService } from '../src/modules/user/users.service';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { signedInAs } from './support/user-test-auth';
import { startUserTestApp } from './support/user-test-app';

const ORIGIN = { ip: '203.0.113.12', userAgent: 'jest' };

describe('user consents and notification preferences (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let users: UsersService;

  beforeAll(async () => {
    environment = await createTestEnvironment('user-consents', {
      CONSENT_TERMS_VERSION: '2026-01',
      CONSENT_PRIVACY_VERSION: '3',
      CONSENT_MARKETING_VERSION: '1',
    });
    ({ app } = await startUserTestApp(environment.config));
    users = app.get(UsersService);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  async function call(method: 'GET' | 'PUT' | 'POST', url: string, userId: string, payload?: object) {
    const headers = { ...(await signedInAs(app, userId)), 'user-agent': 'consent-browser/1.0' };
    return app.inject({ method, url: `/api/v1/users/me/${url}`, headers, payload });
  }

  it('asks for the current versions, records time, IP and user agent, and refuses an outdated version', async () => {
    const userId = (await users.findOrRegisterByEmail('consents@example.test', ORIGIN)).account.id;
    const before = (await call('GET', 'consents', userId)).json();
    expect(
      before.consents.filter((c: { actionNeeded: boolean }) => c.actionNeeded).map((c: { kind: string }) => c.kind),
    ).toEqual(['terms', 'privacy', 'marketing']);
    const outdated = await call('PUT', 'consents', userId, {
      consents: [{ kind: 'terms', version: '2025-06', granted: true }],
    });
    expect(outdated.statusCode).toBe(409);
    expect(outdated.json().error).toMatchObject({
      code: 'CONSENT_VERSION_OUTDATED',
      details: { currentVersion: '2026-01' },
    });
    const refusedTerms = await call('PUT', 'consents', userId, {
      consents: [{ kind: 'terms', version: '2026-01', granted: false }],
    });
    expect(refusedTerms.json().error.code).toBe('CONSENT_REQUIRED');

    const accepted = await call('PUT', 'consents', userId, {
      consents: [
        { kind: 'terms', version: '2026-01', granted: true },
        { kind: 'privacy', version: '3', granted: true },
        { kind: 'marketing', version: '1', granted: false },
      ],
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().consents).toEqual([
      expect.objectContaining({ kind: 'terms', acceptedVersion: '2026-01', granted: true, actionNeeded: false }),
      expect.objectContaining({ kind: 'privacy', acceptedVersion: '3', granted: true, actionNeeded: false }),
      expect.objectContaining({ kind: 'marketing', acceptedVersion: null, granted: false, actionNeeded: false }),
    ]);
    const rows = await app
      .get(DataSource)
      .query(`SELECT kind, host(ip) AS ip, user_agent FROM user_consents WHERE user_id = $1 ORDER BY id`, [userId]);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ kind: 'terms', ip: '127.0.0.1', user_agent: 'consent-browser/1.0' });
  });

  it('re-asks when the terms version changes', async () => {
    const userId = (await users.findOrRegisterByEmail('reask@example.test', ORIGIN)).account.id;
    await call('PUT', 'consents', userId, { consents: [{ kind: 'terms', version: '2026-01', granted: true }] });
    environment.config.CONSENT_TERMS_VERSION = '2026-07';
    try {
      const terms = (await call('GET', 'consents', userId)).json().consents[0];
      expect(terms).toMatchObject({
        kind: 'terms',
        currentVersion: '2026-07',
        acceptedVersion: '2026-01',
        actionNeeded: true,
      });
    } finally {
      environment.config.CONSENT_TERMS_VERSION = '2026-01';
    }
  });

  it('keeps marketing topics off without marketing consent, and self-exclusion withdraws it', async () => {
    const userId = (await users.findOrRegisterByEmail('prefs@example.test', ORIGIN)).account.id;
    const defaults = (await call('GET', 'notification-preferences', userId)).json().preferences;
    expect(defaults).toHaveLength(12);
    expect(defaults).toContainEqual({ channel: 'email', topic: 'security', enabled: true });
    expect(defaults).toContainEqual({ channel: 'sms', topic: 'promotions', enabled: false });
    const refused = await call('PUT', 'notification-preferences', userId, {
      preferences: [{ channel: 'email', topic: 'promotions', enabled: true }],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('MARKETING_CONSENT_REQUIRED');

    await call('PUT', 'consents', userId, { consents: [{ kind: 'marketing', version: '1', granted: true }] });
    const enabled = await call('PUT', 'notification-preferences', userId, {
      preferences: [
        { channel: 'email', topic: 'promotions', enabled: true },
        { channel: 'sms', topic: 'transactions', enabled: true },
      ],
    });
    expect(enabled.json().preferences).toContainEqual({ channel: 'email', topic: 'promotions', enabled: true });
    expect(enabled.json().preferences).toContainEqual({ channel: 'sms', topic: 'transactions', enabled: true });

    await call('POST', 'responsible-gaming/self-exclusion', userId, { period: '1y' });
    const after = (await call('GET', 'notification-preferences', userId)).json().preferences;
    expect(after).toContainEqual({ channel: 'email', topic: 'promotions', enabled: false });
    expect(after).toContainEqual({ channel: 'email', topic: 'security', enabled: true });
  });
});
