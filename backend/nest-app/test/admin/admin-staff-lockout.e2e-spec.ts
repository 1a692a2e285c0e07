import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import type { Role } from '../../src/common/auth/roles';
import { AuthHasher } from '../../src/modules/auth/auth-hasher';
import { OneTimeCodeStore } from '../../src/modules/auth/codes/one-time-code.store';
import { MfaChallengeStore } from '../../src/modules/auth/two-factor/mfa-challenge.store';
import { bearer, grantRole, signIn, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { totpCode, waitForFreshStep } from '../support/totp';

interface ErrorBody {
  error: { code: string; details?: Record<string, unknown> };
}
interface Staff {
  userId: string;
  email: string;
  secret: string;
}
interface AuditRow {
  action: string;
  actor_id: string | null;
  actor_roles: string[];
  details: Record<string, unknown>;
}

const MAX_FAILURES = 3;
const LOCKOUT_SECONDS = 600;
const CLIENT = { remoteAddress: '198.51.100.77' };

/**
 * Staff sign-in lockout (docs/security.md; reference backoffice.md: "repeated failed staff sign-ins lock the
 * account"). The limit is set to 3 here, below the 5 wrong tries an email code or a TOTP challenge dies after, so
 * what stops the attempts is the account's lock and not the code's.
 */
describe('admin: staff sign-in lockout (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let admin: SignedIn;

  beforeAll(async () => {
    environment = await createTestEnvironment('staff-lockout', {
      ADMIN_EMAIL: adminEmail,
      AUTH_RATE_LIMIT_PER_IP: '5000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '5000',
      STAFF_SIGNIN_MAX_FAILURES: String(MAX_FAILURES),
      STAFF_SIGNIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
    });
    app = await startTestApp(environment.config);
    admin = await signInAsStaff(app, adminEmail);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  /** A staff account with TOTP enrolled through the real endpoints. */
  async function newStaff(role: Role): Promise<Staff> {
    const email = uniqueEmail(role);
    const session = await signIn(app, email);
    await waitForFreshStep();
    const setup = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/2fa/totp/setup',
      headers: bearer(session.accessToken),
    });
    const { secret } = setup.json<{ secret: string }>();
    const enabled = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/2fa/totp/enable',
      headers: bearer(session.accessToken),
      payload: { code: totpCode(secret, -1) },
    });
    expect(enabled.statusCode).toBe(200);
    await grantRole(app, admin, session.userId, role);
    return { userId: session.userId, email, secret };
  }

  /** Issues an email sign-in code as `email/start` would (without the mail round trip and its 60 s resend wait). */
  async function issueEmailCode(email: string, code: string): Promise<void> {
    const hasher = app.get(AuthHasher);
    await app
      .get(OneTimeCodeStore)
      .issue('email', hasher.hash('address', email), hasher.hash('email-code', `${email}:${code}`), 600);
  }

  const verifyEmail = (email: string, code: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/email/verify', payload: { email, code }, ...CLIENT });
  const verifyMfa = (mfaToken: string, code: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/2fa/verify', payload: { mfaToken, code }, ...CLIENT });
  const codeOf = (response: LightMyRequestResponse) => response.json<ErrorBody>().error?.code ?? 'ok';
  const challenge = (userId: string) => app.get(MfaChallengeStore).create({ userId, method: 'email' });

  async function auditsOf(userId: string): Promise<AuditRow[]> {
    return app.get(DataSource).query(
      `SELECT action, actor_id, actor_roles, details FROM audit_log
       WHERE target_id = $1 AND action LIKE 'user.sign_in_lock.%' ORDER BY occurred_at, id`,
      [userId],
    );
  }

  async function feedKinds(userId: string): Promise<string[]> {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/admin/security-feed?userId=${userId}&kind=sign_in.locked&kind=sign_in.lock_released`,
      headers: bearer(admin.accessToken),
    });
    return response.json<{ items: { kind: string }[] }>().items.map((item) => item.kind);
  }

  it('locks after MAX wrong codes, refuses even the right ones with 429 and Retry-After, and records the lock', async () => {
    const staff = await newStaff('risk');
    await issueEmailCode(staff.email, '111111');
    const first = await verifyEmail(staff.email, '111111');
    const { mfaToken } = first.json<{ mfaToken: string }>();
    expect(first.statusCode).toBe(200);

    const wrong = [];
    for (let i = 0; i < MAX_FAILURES; i += 1) wrong.push(codeOf(await verifyMfa(mfaToken, 'wrong-recovery-code')));
    expect(wrong).toEqual(['MFA_CODE_INVALID', 'MFA_CODE_INVALID', 'MFA_CODE_INVALID']);

    // No oracle: a right TOTP code and a right email code are refused alike, without being checked or spent.
    const rightTotp = await verifyMfa(mfaToken, totpCode(staff.secret, 0));
    expect([rightTotp.statusCode, codeOf(rightTotp)]).toEqual([429, 'STAFF_SIGN_IN_LOCKED']);
    const retryAfter = Number(rightTotp.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(LOCKOUT_SECONDS - 60);
    expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_SECONDS);
    await issueEmailCode(staff.email, '222222');
    const rightEmail = await verifyEmail(staff.email, '222222');
    expect([rightEmail.statusCode, codeOf(rightEmail)]).toEqual([429, 'STAFF_SIGN_IN_LOCKED']);

    expect(await feedKinds(staff.userId)).toEqual(['sign_in.locked']);
    const [lock] = await auditsOf(staff.userId);
    expect(lock).toMatchObject({
      action: 'user.sign_in_lock.lock',
      actor_id: null,
      actor_roles: ['system'],
      details: { failures: MAX_FAILURES, lockedForSeconds: LOCKOUT_SECONDS, before: { locked: false } },
    });

    // Released by staff with staff.unlock: audited with the reason, before and after; then the right codes work.
    const release = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${staff.userId}/sign-in-lock/release`,
      headers: bearer(admin.accessToken),
      payload: { reason: 'identity confirmed by phone call' },
    });
    expect(release.statusCode).toBe(200);
    expect(release.json()).toMatchObject({ userId: staff.userId, failures: MAX_FAILURES });
    const audits = await auditsOf(staff.userId);
    expect(audits.map((audit) => audit.action)).toEqual(['user.sign_in_lock.lock', 'user.sign_in_lock.release']);
    expect(audits[1]).toMatchObject({
      actor_id: admin.userId,
      actor_roles: ['player', 'admin'],
      details: {
        reason: 'identity confirmed by phone call',
        before: { locked: true, failures: MAX_FAILURES },
        after: { locked: false },
      },
    });
    expect(await feedKinds(staff.userId)).toEqual(['sign_in.lock_released', 'sign_in.locked']);

    const afterRelease = await verifyEmail(staff.email, '222222');
    const next = afterRelease.json<{ mfaToken: string }>().mfaToken;
    const signedIn = await verifyMfa(next, totpCode(staff.secret, 0));
    expect(signedIn.statusCode).toBe(200);

    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${staff.userId}/sign-in-lock/release`,
      headers: bearer(admin.accessToken),
      payload: { reason: 'a second time' },
    });
    expect([again.statusCode, codeOf(again)]).toEqual([409, 'STAFF_SIGN_IN_NOT_LOCKED']);
    expect((await auditsOf(staff.userId)).length).toBe(2);
  }, 60_000);

  it('lets no more than MAX of 20 parallel wrong second-factor codes be checked', async () => {
    const staff = await newStaff('compliance');
    // Four live challenges of 5 tries each: without the account's counter, all 20 codes would be checked.
    const tokens = await Promise.all([1, 2, 3, 4].map(() => challenge(staff.userId)));
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_unused, index) => verifyMfa(tokens[index % 4] as string, `wrong-${index}`)),
    );
    const codes = answers.map(codeOf).sort();
    expect(codes.filter((code) => code === 'MFA_CODE_INVALID')).toHaveLength(MAX_FAILURES);
    expect(codes.filter((code) => code === 'STAFF_SIGN_IN_LOCKED')).toHaveLength(20 - MAX_FAILURES);
    expect(await feedKinds(staff.userId)).toEqual(['sign_in.locked']);
    const right = await verifyMfa(tokens[0] as string, totpCode(staff.secret, 0));
    expect(codeOf(right)).toBe('STAFF_SIGN_IN_LOCKED');
  });

  it('lets no more than MAX of 20 parallel wrong email codes be checked', async () => {
    const staff = await newStaff('support');
    await issueEmailCode(staff.email, '333333');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_unused, index) => verifyEmail(staff.email, String(100000 + index))),
    );
    const codes = answers.map(codeOf);
    expect(codes.filter((code) => code === 'AUTH_CODE_INVALID')).toHaveLength(MAX_FAILURES);
    expect(codes.filter((code) => code === 'STAFF_SIGN_IN_LOCKED')).toHaveLength(20 - MAX_FAILURES);
    expect(codeOf(await verifyEmail(staff.email, '333333'))).toBe('STAFF_SIGN_IN_LOCKED');
  });

  it('forgives the failures of a window when a sign-in goes through', async () => {
    const staff = await newStaff('finance');
    const first = await challenge(staff.userId);
    for (let i = 1; i < MAX_FAILURES; i += 1)
      expect(codeOf(await verifyMfa(first, 'wrong-one'))).toBe('MFA_CODE_INVALID');
    expect((await verifyMfa(first, totpCode(staff.secret, 0))).statusCode).toBe(200);
    const second = await challenge(staff.userId);
    for (let i = 1; i < MAX_FAILURES; i += 1) {
      expect(codeOf(await verifyMfa(second, 'wrong-two'))).toBe('MFA_CODE_INVALID');
    }
    expect((await verifyMfa(second, totpCode(staff.secret, 1))).statusCode).toBe(200);
    expect(await feedKinds(staff.userId)).toEqual([]);
  });

  it('does not lock players: their wrong codes only kill the code', async () => {
    const email = uniqueEmail('player');
    await signIn(app, email);
    await issueEmailCode(email, '444444');
    const codes = [];
    for (let i = 0; i < 6; i += 1) codes.push(codeOf(await verifyEmail(email, String(500000 + i))));
    expect(codes).toEqual([
      'AUTH_CODE_INVALID',
      'AUTH_CODE_INVALID',
      'AUTH_CODE_INVALID',
      'AUTH_CODE_INVALID',
      'AUTH_CODE_ATTEMPTS_EXCEEDED',
      'AUTH_CODE_INVALID',
    ]);
    await issueEmailCode(email, '444444');
    expect((await verifyEmail(email, '444444')).statusCode).toBe(200);
  });

  it('refuses the release to staff without staff.unlock, and a release without a reason', async () => {
    const support = await signInAsStaff(app, adminEmail, 'support');
    const refused = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${support.userId}/sign-in-lock/release`,
      headers: bearer(support.accessToken),
      payload: { reason: 'let me in' },
    });
    expect([refused.statusCode, codeOf(refused)]).toEqual([403, 'FORBIDDEN']);
    const invalid = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${support.userId}/sign-in-lock/release`,
      headers: bearer(admin.accessToken),
      payload: { reason: '' },
    });
    expect([invalid.statusCode, codeOf(invalid)]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
