import { QUEUES } from '@casino/contracts';
import { eventually } from '@casino/platform/testing';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditLog } from '../src/common/audit/audit-log';
import { SecurityEventRepository } from '../src/modules/auth/security-events/security-event.repository';
import { UserDirectory } from '../src/modules/user/user-directory';
import {
  bearer,
  passSecondFactor,
  readEmailCode,
  requestEmailCode,
  signIn,
  signInWithTotp,
  uniqueEmail,
} from './support/sign-in';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { signedInAs } from './support/user-test-auth';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe('auth: email codes, guards and roles (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    environment = await createTestEnvironment('authemail', { ADMIN_EMAIL: adminEmail });
    app = await startTestApp(environment.config);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  const verify = (email: string, code: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/email/verify', payload: { email, code } });

  it('delivers the code to MailDev and signs a new player in with it', async () => {
    const email = uniqueEmail();
    await requestEmailCode(app, email);
    const code = await readEmailCode(email);
    expect(code).toMatch(/^\d{6}$/);
    const response = await verify(email.toUpperCase(), code);
    expect(response.statusCode).toBe(200);
    const body = response.json<{ accessToken: string; refreshToken: string; expiresIn: number }>();
    expect(body.expiresIn).toBe(900);
    expect(body.refreshToken.length).toBeGreaterThanOrEqual(43); // 32 random bytes, base64url
    const sessions = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      headers: bearer(body.accessToken),
    });
    expect(sessions.statusCode).toBe(200);
    expect(await verify(email, code).then((r) => r.json<ErrorBody>().error.code)).toBe('AUTH_CODE_INVALID');
  });

  it('keeps no sent code in Redis: the mail job carrying it is deleted once the mail is sent', async () => {
    const email = uniqueEmail();
    await requestEmailCode(app, email);
    const code = await readEmailCode(email);
    const mail = app.get<Queue>(getQueueToken(QUEUES.MAIL));
    const jobsWithCode = async (): Promise<number> =>
      (await mail.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed'])).filter((job) =>
        JSON.stringify(job.data).includes(code),
      ).length;
    // The job may still be finishing when MailDev already has the mail; then it must disappear.
    await eventually(async () => (await jobsWithCode()) === 0, 5_000);
    expect(await mail.getCompletedCount()).toBe(0);
  });

  it('records the consents given at sign-up; an outdated version is refused before the code is spent', async () => {
    const email = uniqueEmail('consents');
    await requestEmailCode(app, email);
    const code = await readEmailCode(email);
    const current = (kind: string, granted = true) => ({ kind, version: '1', granted });

    const outdated = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/email/verify',
      payload: { email, code, consents: [{ kind: 'terms', version: '0', granted: true }] },
    });
    expect(outdated.statusCode).toBe(409);
    expect(outdated.json<ErrorBody>().error.code).toBe('CONSENT_VERSION_OUTDATED');
    const accounts = await app.get(DataSource).query(`SELECT id FROM users WHERE email = $1`, [email]);
    expect(accounts).toEqual([]);

    const signedUp = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/email/verify',
      payload: { email, code, consents: [current('terms'), current('privacy'), current('marketing', false)] },
    });
    expect(signedUp.statusCode).toBe(200);
    const consents = await app.inject({
      method: 'GET',
      url: '/api/v1/users/me/consents',
      headers: bearer(signedUp.json<{ accessToken: string }>().accessToken),
    });
    const byKind = Object.fromEntries(
      consents
        .json<{
          consents: { kind: string; granted: boolean; acceptedVersion: string | null; actionNeeded: boolean }[];
        }>()
        .consents.map((consent) => [consent.kind, consent]),
    );
    expect(byKind['terms']).toMatchObject({ granted: true, acceptedVersion: '1', actionNeeded: false });
    expect(byKind['privacy']).toMatchObject({ granted: true, acceptedVersion: '1', actionNeeded: false });
    expect(byKind['marketing']).toMatchObject({ granted: false });
  });

  /** One sample of `GET /metrics` (0 when absent). */
  async function sample(series: string): Promise<number> {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  }

  async function eventCount(kind: string): Promise<number> {
    const rows = (await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM security_events WHERE kind = $1`, [kind])) as { n: number }[];
    return rows[0]?.n ?? 0;
  }

  it('answers 202 for any address and 429 with Retry-After for a second code within a minute', async () => {
    const email = uniqueEmail('unknown');
    await requestEmailCode(app, email);
    const limited = 'api_error_responses_total{code="RATE_LIMITED",status_code="429"}';
    const limitedBefore = await sample(limited);
    const again = await app.inject({ method: 'POST', url: '/api/v1/auth/email/start', payload: { email } });
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(again.headers['retry-after'])).toBeLessThanOrEqual(60);
    const body = again.json<ErrorBody>();
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.details?.['retryAfterSeconds']).toEqual(expect.any(Number));
    expect(await sample(limited)).toBe(limitedBefore + 1);
    await readEmailCode(email);
  });

  it('kills the code after 5 wrong tries: the 6th try is refused even with the right code', async () => {
    const email = uniqueEmail('brute');
    await requestEmailCode(app, email);
    const code = await readEmailCode(email);
    const wrong = code === '000000' ? '111111' : '000000';
    const failed = 'auth_security_events_total{kind="sign_in.failed"}';
    const before = { metric: await sample(failed), rows: await eventCount('sign_in.failed') };
    const codes: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await verify(email, wrong);
      expect(response.statusCode).toBe(401);
      codes.push(response.json<ErrorBody>().error.code);
    }
    expect(codes).toEqual([
      'AUTH_CODE_INVALID',
      'AUTH_CODE_INVALID',
      'AUTH_CODE_INVALID',
      'AUTH_CODE_INVALID',
      'AUTH_CODE_ATTEMPTS_EXCEEDED',
    ]);
    const sixth = await verify(email, code);
    expect(sixth.statusCode).toBe(401);
    expect(sixth.json<ErrorBody>().error.code).toBe('AUTH_CODE_INVALID');
    const events = await app.get(DataSource).query(`SELECT kind FROM security_events WHERE kind = 'code.locked'`);
    expect(events.length).toBeGreaterThanOrEqual(1);
    // The counter follows the security events written: every failed try of this test is one of each.
    const written = (await eventCount('sign_in.failed')) - before.rows;
    expect(written).toBeGreaterThanOrEqual(5);
    expect((await sample(failed)) - before.metric).toBe(written);
    expect(await sample('auth_security_events_total{kind="code.locked"}')).toBeGreaterThanOrEqual(1);
  });

  it('refuses requests without a valid access token with 401 UNAUTHENTICATED', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/v1/auth/sessions' });
    expect(none.statusCode).toBe(401);
    expect(none.json<ErrorBody>().error.code).toBe('UNAUTHENTICATED');
    const player = await signIn(app);
    const [header, payload] = player.accessToken.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), roles: ['admin'] }),
    ).toString('base64url');
    const tampered = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      headers: bearer(`${header}.${forged}.${player.accessToken.split('.')[2]}`),
    });
    expect(tampered.statusCode).toBe(401);
  });

  it('lets only admins change roles, audits it, and applies it to live sessions at once', async () => {
    const player = await signIn(app);
    const other = await signIn(app);
    const forbidden = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${other.userId}/roles`,
      headers: bearer(player.accessToken),
      payload: { role: 'support' },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json<ErrorBody>().error.code).toBe('FORBIDDEN');

    const admin = await signInWithTotp(app, adminEmail);
    const grant = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${player.userId}/roles`,
      headers: bearer(admin.accessToken),
      payload: { role: 'admin' },
    });
    expect(grant.statusCode).toBe(200);
    expect(grant.json<{ roles: string[] }>().roles).toEqual(expect.arrayContaining(['player', 'admin']));
    // The player's existing access token now carries admin power (roles come from the live session), once the
    // session has passed a second factor (ADR 0018).
    const beforeMfa = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${other.userId}/roles`,
      headers: bearer(player.accessToken),
      payload: { role: 'support' },
    });
    expect(beforeMfa.json<ErrorBody>().error.code).toBe('STAFF_MFA_REQUIRED');
    await passSecondFactor(app, player.accessToken, player.userId);
    const asNewAdmin = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${other.userId}/roles`,
      headers: bearer(player.accessToken),
      payload: { role: 'support' },
    });
    expect(asNewAdmin.statusCode).toBe(200);
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${player.userId}/roles/admin`,
      headers: bearer(admin.accessToken),
    });
    expect(revoke.statusCode).toBe(200);
    const afterRevoke = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${other.userId}/roles/support`,
      headers: bearer(player.accessToken),
    });
    expect(afterRevoke.statusCode).toBe(403);
    const self = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${admin.userId}/roles/admin`,
      headers: bearer(admin.accessToken),
    });
    expect(self.json<ErrorBody>().error.code).toBe('ROLE_CHANGE_NOT_ALLOWED');

    const audit: { action: string; actor_id: string; target_id: string; details: { role: string } }[] = await app
      .get(DataSource)
      .query(
        `SELECT action, actor_id, target_id, details FROM audit_log WHERE action LIKE 'user.role.%' ORDER BY occurred_at`,
      );
    expect(audit.map((row) => [row.action, row.actor_id, row.target_id, row.details.role])).toEqual([
      ['user.role.grant', admin.userId, player.userId, 'admin'],
      ['user.role.grant', player.userId, other.userId, 'support'],
      ['user.role.revoke', admin.userId, player.userId, 'admin'],
    ]);
  });
  describe('a role change that cannot be recorded', () => {
    // A session of its own: the admin's email sign-in is rate limited after the test above.
    let adminHeaders: Record<string, string>;
    beforeAll(async () => {
      const { account } = await app
        .get(UserDirectory)
        .findOrRegisterByEmail(adminEmail, { ip: null, userAgent: 'jest' });
      adminHeaders = await signedInAs(app, account.id);
    });
    const rolesOf = async (userId: string): Promise<string[]> =>
      (await app.get(DataSource).query(`SELECT roles FROM users WHERE id = $1`, [userId]))[0].roles;
    const recordsOf = async (userId: string): Promise<{ audits: number; events: number }> => {
      const [counts] = await app.get(DataSource).query(
        `SELECT (SELECT count(*) FROM audit_log WHERE target_id = $1::text AND action LIKE 'user.role.%')::int AS audits,
                (SELECT count(*) FROM security_events WHERE user_id = $1::uuid AND kind LIKE 'role.%')::int AS events`,
        [userId],
      );
      return counts;
    };
    const grant = (userId: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${userId}/roles`,
        headers: adminHeaders,
        payload: { role: 'support' },
      });
    const revoke = (userId: string) =>
      app.inject({
        method: 'DELETE',
        url: `/api/v1/admin/users/${userId}/roles/support`,
        headers: adminHeaders,
      });

    it.each([
      ['its audit record', () => jest.spyOn(app.get(AuditLog), 'record')],
      ['its security event', () => jest.spyOn(app.get(SecurityEventRepository), 'record')],
    ])('is not made when %s cannot be written: grant and revoke', async (_what, spyOnRecord) => {
      const player = await signIn(app);
      const failingGrant = spyOnRecord().mockRejectedValueOnce(new Error('log unavailable'));
      try {
        expect((await grant(player.userId)).statusCode).toBe(500);
      } finally {
        failingGrant.mockRestore();
      }
      expect(await rolesOf(player.userId)).toEqual(['player']);
      expect(await recordsOf(player.userId)).toEqual({ audits: 0, events: 0 });

      expect((await grant(player.userId)).statusCode).toBe(200);
      const failingRevoke = spyOnRecord().mockRejectedValueOnce(new Error('log unavailable'));
      try {
        expect((await revoke(player.userId)).statusCode).toBe(500);
      } finally {
        failingRevoke.mockRestore();
      }
      expect(await rolesOf(player.userId)).toEqual(['player', 'support']);
      expect(await recordsOf(player.userId)).toEqual({ audits: 1, events: 1 });
    });
  });
});
