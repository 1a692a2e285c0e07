import { DevSmsInbox, maskPhone } from '@casino/platform';
import { eventually } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AuditLog } from '../src/common/audit/audit-log';
import { OneTimeCodeStore } from '../src/modules/auth/codes/one-time-code.store';
import { SecurityEventRepository } from '../src/modules/auth/security-events/security-event.repository';
import { bearer, readEmailCode, requestEmailCode, signIn, uniqueEmail, type SignedIn } from './support/sign-in';
import { startTestApp } from './support/test-app';
import { totpCode, waitForFreshStep } from './support/totp';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

interface ErrorBody {
  error: { code: string; details?: Record<string, unknown> };
}
interface AuditRow {
  action: string;
  actor_id: string;
  actor_roles: string[];
  target_type: string;
  target_id: string;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}
/** Where the audited requests come from. */
const CLIENT = { ip: '198.51.100.42', userAgent: 'two-factor-audit-test/1.0' };
interface SignInBody {
  accessToken?: string;
  refreshToken?: string;
  mfaRequired?: boolean;
  mfaToken?: string;
}

describe('auth: two-factor authentication (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    // The SMS test reads the dev inbox over HTTP, which the `test` environment mounts only when asked.
    environment = await createTestEnvironment('auth2fa', {
      ADMIN_EMAIL: uniqueEmail('admin'),
      DEV_SMS_INBOX_ENABLED: 'true',
    });
    app = await startTestApp(environment.config);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  const post = (url: string, payload: object, accessToken?: string) =>
    app.inject({ method: 'POST', url, payload, headers: accessToken ? bearer(accessToken) : {} });

  /** A POST from `CLIENT`, whose address and user agent the audit records must name. */
  const postFromClient = (url: string, payload: object, accessToken: string) =>
    app.inject({
      method: 'POST',
      url,
      payload,
      headers: { ...bearer(accessToken), 'user-agent': CLIENT.userAgent },
      remoteAddress: CLIENT.ip,
    });

  async function mfaAuditsOf(userId: string): Promise<AuditRow[]> {
    return app.get(DataSource).query(
      `SELECT action, actor_id, actor_roles, target_type, target_id, host(ip) AS ip, user_agent, details
       FROM audit_log WHERE target_id = $1 AND action LIKE 'user.mfa.%' ORDER BY occurred_at, id`,
      [userId],
    );
  }

  function expectActorAndOrigin(audits: AuditRow[], userId: string): void {
    for (const audit of audits) {
      expect(audit).toMatchObject({
        actor_id: userId,
        actor_roles: ['player'],
        target_type: 'user',
        target_id: userId,
        ip: CLIENT.ip,
        user_agent: CLIENT.userAgent,
      });
    }
  }

  /** The code of the next text to `phone` in the dev inbox, once more than `seen` texts went there. */
  async function nextSmsCode(phone: string, seen: number): Promise<string> {
    let code: string | undefined;
    await eventually(async () => {
      const messages = await app.get(DevSmsInbox).list(phone);
      code = messages.length > seen ? messages[0]?.text.match(/\b(\d{6})\b/)?.[1] : undefined;
      return code !== undefined;
    });
    return code ?? '';
  }

  /** Email code sign-in that stops at the MFA challenge. Waits out the per-address resend cooldown. */
  async function startSignIn(email: string): Promise<string> {
    await requestEmailCode(app, email);
    const code = await readEmailCode(email);
    const body = (await post('/api/v1/auth/email/verify', { email, code })).json<SignInBody>();
    expect(body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    return body.mfaToken as string;
  }

  async function clearCooldown(email: string): Promise<void> {
    // Tests only: the one-per-minute resend limit is checked in the email suite; here it would cost minutes.
    const redis = app.get<import('ioredis').Redis>((await import('@casino/platform')).REDIS_CLIENT);
    const keys = await redis.keys(`${environment.config.REDIS_KEY_PREFIX}auth:code-cooldown:email:*`);
    if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(environment.config.REDIS_KEY_PREFIX.length)));
    expect(email).toContain('@');
  }

  it('TOTP: setup, enable, sign-in requires MFA, codes and recovery codes single use, step-up', async () => {
    await waitForFreshStep();
    const email = uniqueEmail('totp');
    const first: SignedIn = await signIn(app, email);

    const setup = await post('/api/v1/auth/2fa/totp/setup', {}, first.accessToken);
    expect(setup.statusCode).toBe(201);
    const { secret, otpauthUri, qrCodeDataUrl } = setup.json<{
      secret: string;
      otpauthUri: string;
      qrCodeDataUrl: string;
    }>();
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(otpauthUri.startsWith('otpauth://totp/')).toBe(true);
    expect(qrCodeDataUrl.startsWith('data:image/png;base64,')).toBe(true);

    expect(
      (await post('/api/v1/auth/2fa/totp/enable', { code: '000000' }, first.accessToken)).json<ErrorBody>().error.code,
    ).toBe('MFA_CODE_INVALID');
    // Enable with the previous step's code (allowed drift), keeping the current and next steps for later.
    const enable = await post('/api/v1/auth/2fa/totp/enable', { code: totpCode(secret, -1) }, first.accessToken);
    expect(enable.statusCode).toBe(200);
    const { recoveryCodes } = enable.json<{ recoveryCodes: string[] }>();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    await clearCooldown(email);
    const mfaToken = await startSignIn(email);
    const wrong = await post('/api/v1/auth/2fa/verify', { mfaToken, code: totpCode(secret, -5) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<ErrorBody>()).toMatchObject({
      error: { code: 'MFA_CODE_INVALID', details: { attemptsLeft: 4 } },
    });
    const currentCode = totpCode(secret, 0);
    const verified = await post('/api/v1/auth/2fa/verify', { mfaToken, code: currentCode });
    expect(verified.statusCode).toBe(200);
    const second = verified.json<SignInBody>();
    expect(second.accessToken).toEqual(expect.any(String));
    // The challenge is used up, and the same TOTP step is never accepted twice.
    expect((await post('/api/v1/auth/2fa/verify', { mfaToken, code: currentCode })).json<ErrorBody>().error.code).toBe(
      'MFA_CHALLENGE_INVALID',
    );
    await clearCooldown(email);
    const replayToken = await startSignIn(email);
    const replay = await post('/api/v1/auth/2fa/verify', { mfaToken: replayToken, code: currentCode });
    expect(replay.json<ErrorBody>().error.code).toBe('MFA_CODE_INVALID');

    // A recovery code works once.
    const recovered = await post('/api/v1/auth/2fa/verify', {
      mfaToken: replayToken,
      code: recoveryCodes[0]?.toUpperCase(),
    });
    expect(recovered.statusCode).toBe(200);
    await clearCooldown(email);
    const againToken = await startSignIn(email);
    expect(
      (await post('/api/v1/auth/2fa/verify', { mfaToken: againToken, code: recoveryCodes[0] })).json<ErrorBody>().error
        .code,
    ).toBe('MFA_CODE_INVALID');
    const recoveryAudits = (await mfaAuditsOf(first.userId)).filter(
      (audit) => audit.action === 'user.mfa.recovery_code.use',
    );
    expect(recoveryAudits).toEqual([
      expect.objectContaining({
        actor_id: first.userId,
        actor_roles: ['player'],
        target_id: first.userId,
        details: { during: 'sign-in', codesLeft: 9 },
      }),
    ]);
    for (const recoveryCode of recoveryCodes) expect(JSON.stringify(recoveryAudits)).not.toContain(recoveryCode);

    // Step-up: the session from before 2FA has no recent second factor, so security changes are refused.
    const disable = await post('/api/v1/auth/2fa/totp/disable', {}, first.accessToken);
    expect(disable.statusCode).toBe(403);
    expect(disable.json<ErrorBody>().error.code).toBe('MFA_STEP_UP_REQUIRED');
    expect((await post('/api/v1/auth/2fa/step-up', { code: currentCode }, first.accessToken)).statusCode).toBe(401);
    const stepUp = await post('/api/v1/auth/2fa/step-up', { code: totpCode(secret, 1) }, first.accessToken);
    expect(stepUp.statusCode).toBe(200);
    expect(Date.parse(stepUp.json<{ verifiedUntil: string }>().verifiedUntil)).toBeGreaterThan(Date.now());
    const status = await app.inject({ method: 'GET', url: '/api/v1/auth/2fa', headers: bearer(first.accessToken) });
    expect(status.json()).toMatchObject({ totpEnabled: true, smsEnabled: false, recoveryCodesLeft: 9 });
    expect((await post('/api/v1/auth/2fa/totp/disable', {}, first.accessToken)).statusCode).toBe(204);

    const kinds: { kind: string }[] = await app
      .get(DataSource)
      .query(`SELECT kind FROM security_events WHERE user_id = $1 AND kind LIKE 'mfa.%' ORDER BY occurred_at`, [
        first.userId,
      ]);
    expect(kinds.map((row) => row.kind)).toEqual(
      expect.arrayContaining(['mfa.enabled', 'mfa.failed', 'mfa.recovery_code_used', 'mfa.step_up', 'mfa.disabled']),
    );
  });

  it('a challenge dies after 5 wrong codes, even for a right one after', async () => {
    await waitForFreshStep();
    const email = uniqueEmail('locked');
    const player = await signIn(app, email);
    const { secret } = (await post('/api/v1/auth/2fa/totp/setup', {}, player.accessToken)).json<{ secret: string }>();
    const { recoveryCodes } = (
      await post('/api/v1/auth/2fa/totp/enable', { code: totpCode(secret) }, player.accessToken)
    ).json<{
      recoveryCodes: string[];
    }>();
    await clearCooldown(email);
    const mfaToken = await startSignIn(email);
    const answers: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      answers.push(
        (await post('/api/v1/auth/2fa/verify', { mfaToken, code: 'aaaaa-aaaaa' })).json<ErrorBody>().error.code,
      );
    }
    expect(answers).toEqual([
      'MFA_CODE_INVALID',
      'MFA_CODE_INVALID',
      'MFA_CODE_INVALID',
      'MFA_CODE_INVALID',
      'MFA_CHALLENGE_INVALID',
    ]);
    const sixth = await post('/api/v1/auth/2fa/verify', { mfaToken, code: recoveryCodes[1] });
    expect(sixth.statusCode).toBe(401);
    expect(sixth.json<ErrorBody>().error.code).toBe('MFA_CHALLENGE_INVALID');
  });

  /** Security events of the second factor's checks (one per code checked), by kind. */
  async function checkedCodes(userId: string, during: 'sign-in' | 'step-up'): Promise<Record<string, number>> {
    const rows = await app.get(DataSource).query<{ kind: string; count: string }[]>(
      `SELECT kind, count(*) AS count FROM security_events
       WHERE user_id = $1 AND kind IN ('mfa.failed', 'mfa.locked') AND details->>'during' = $2 GROUP BY kind`,
      [userId, during],
    );
    return Object.fromEntries(rows.map((row) => [row.kind, Number(row.count)]));
  }

  /** 20 wrong codes at once, each from its own address (as a botnet sends them, past any per-IP limit). */
  const parallelGuesses = (url: string, payload: object, accessToken?: string) =>
    Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        app.inject({
          method: 'POST',
          url,
          payload,
          headers: accessToken ? bearer(accessToken) : {},
          remoteAddress: `203.0.113.${index + 1}`,
        }),
      ),
    );

  it('20 parallel wrong codes on one challenge get 5 codes checked, no more', async () => {
    const email = uniqueEmail('parallel');
    const player = await signIn(app, email);
    const { secret } = (await post('/api/v1/auth/2fa/totp/setup', {}, player.accessToken)).json<{ secret: string }>();
    await post('/api/v1/auth/2fa/totp/enable', { code: totpCode(secret) }, player.accessToken);
    await clearCooldown(email);
    const mfaToken = await startSignIn(email);

    const answers = await parallelGuesses('/api/v1/auth/2fa/verify', { mfaToken, code: 'aaaaa-aaaaa' });

    const codes = answers.map((answer) => answer.json<ErrorBody>().error.code).sort();
    expect(codes.filter((code) => code === 'MFA_CODE_INVALID')).toHaveLength(4);
    expect(codes.filter((code) => code === 'MFA_CHALLENGE_INVALID')).toHaveLength(16);
    expect(await checkedCodes(player.userId, 'sign-in')).toEqual({ 'mfa.failed': 4, 'mfa.locked': 1 });
  });

  it('20 parallel wrong step-up codes get 5 checked and lock the step-up, even for a right code', async () => {
    await waitForFreshStep();
    const player = await signIn(app, uniqueEmail('parallel-step-up'));
    const { secret } = (await post('/api/v1/auth/2fa/totp/setup', {}, player.accessToken)).json<{ secret: string }>();
    await post('/api/v1/auth/2fa/totp/enable', { code: totpCode(secret) }, player.accessToken);

    const answers = await parallelGuesses('/api/v1/auth/2fa/step-up', { code: 'aaaaa-aaaaa' }, player.accessToken);

    const codes = answers.map((answer) => answer.json<ErrorBody>().error.code);
    expect(codes.filter((code) => code === 'MFA_CODE_INVALID')).toHaveLength(5);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(15);
    expect(await checkedCodes(player.userId, 'step-up')).toEqual({ 'mfa.failed': 4, 'mfa.locked': 1 });
    await waitForFreshStep();
    const right = await post('/api/v1/auth/2fa/step-up', { code: totpCode(secret) }, player.accessToken);
    expect(right.statusCode).toBe(429);
    expect(right.json<ErrorBody>().error.code).toBe('RATE_LIMITED');
  });

  it('SMS: verifies the phone through the dev sink and finishes a sign-in with an SMS code', async () => {
    const email = uniqueEmail('sms');
    const phone = `+49151${Math.floor(Math.random() * 1e8)
      .toString()
      .padStart(8, '0')}`;
    const player = await signIn(app, email);
    const inbox = async (): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const messages = (
          await app.inject({ method: 'GET', url: `/api/v1/dev/sms-inbox?to=${encodeURIComponent(phone)}` })
        ).json<{ text: string }[]>();
        const code = messages[0]?.text.match(/\b(\d{6})\b/)?.[1];
        if (code && messages.length > seen) {
          seen = messages.length;
          return code;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('no SMS');
    };
    let seen = 0;
    expect((await post('/api/v1/auth/2fa/sms/phone', { phone }, player.accessToken)).statusCode).toBe(202);
    const confirm = await post('/api/v1/auth/2fa/sms/phone/confirm', { code: await inbox() }, player.accessToken);
    expect(confirm.statusCode).toBe(204);

    await clearCooldown(email);
    const mfaToken = await startSignIn(email);
    expect((await post('/api/v1/auth/2fa/sms/challenge', { mfaToken })).statusCode).toBe(202);
    const verified = await post('/api/v1/auth/2fa/verify', { mfaToken, code: await inbox() });
    expect(verified.statusCode).toBe(200);
    expect(verified.json<SignInBody>().accessToken).toEqual(expect.any(String));
  });

  it('audits enabling TOTP, replacing the recovery codes and disabling TOTP, never with the secret or a code', async () => {
    await waitForFreshStep();
    const player = await signIn(app, uniqueEmail('totp-audit'));
    const { secret } = (await post('/api/v1/auth/2fa/totp/setup', {}, player.accessToken)).json<{ secret: string }>();
    const [enableCode, stepUpCode] = [totpCode(secret, -1), totpCode(secret, 0)];
    const enabled = await postFromClient('/api/v1/auth/2fa/totp/enable', { code: enableCode }, player.accessToken);
    expect(enabled.statusCode).toBe(200);
    expect((await post('/api/v1/auth/2fa/step-up', { code: stepUpCode }, player.accessToken)).statusCode).toBe(200);
    const replaced = await postFromClient('/api/v1/auth/2fa/recovery-codes', {}, player.accessToken);
    expect(replaced.statusCode).toBe(200);
    expect((await postFromClient('/api/v1/auth/2fa/totp/disable', {}, player.accessToken)).statusCode).toBe(204);

    const audits = await mfaAuditsOf(player.userId);
    expect(audits.map((audit) => [audit.action, audit.details])).toEqual([
      ['user.mfa.enable', { factor: 'totp' }],
      ['user.mfa.recovery_codes.regenerate', { factor: 'totp', count: 10 }],
      ['user.mfa.disable', { factor: 'totp' }],
    ]);
    expectActorAndOrigin(audits, player.userId);
    const recoveryCodes = [enabled, replaced].flatMap(
      (response) => response.json<{ recoveryCodes: string[] }>().recoveryCodes,
    );
    for (const secretValue of [secret, enableCode, stepUpCode, ...recoveryCodes]) {
      expect(JSON.stringify(audits)).not.toContain(secretValue);
    }
  });

  it('audits enabling and disabling SMS codes with the masked phone, never the phone or a code', async () => {
    const phone = `+49151${Math.floor(Math.random() * 1e8)
      .toString()
      .padStart(8, '0')}`;
    const player = await signIn(app, uniqueEmail('sms-audit'));
    expect((await post('/api/v1/auth/2fa/sms/phone', { phone }, player.accessToken)).statusCode).toBe(202);
    const phoneCode = await nextSmsCode(phone, 0);
    const confirmed = await postFromClient(
      '/api/v1/auth/2fa/sms/phone/confirm',
      { code: phoneCode },
      player.accessToken,
    );
    expect(confirmed.statusCode).toBe(204);
    expect((await post('/api/v1/auth/2fa/step-up/sms', {}, player.accessToken)).statusCode).toBe(202);
    const stepUpCode = await nextSmsCode(phone, 1);
    expect((await post('/api/v1/auth/2fa/step-up', { code: stepUpCode }, player.accessToken)).statusCode).toBe(200);
    expect((await postFromClient('/api/v1/auth/2fa/sms/disable', {}, player.accessToken)).statusCode).toBe(204);

    const audits = await mfaAuditsOf(player.userId);
    expect(audits.map((audit) => [audit.action, audit.details])).toEqual([
      ['user.mfa.enable', { factor: 'sms', from: null, to: maskPhone(phone) }],
      ['user.mfa.disable', { factor: 'sms' }],
    ]);
    expectActorAndOrigin(audits, player.userId);
    for (const secretValue of [phone, phoneCode, stepUpCode]) expect(JSON.stringify(audits)).not.toContain(secretValue);
  });

  const randomPhone = (): string =>
    `+49152${Math.floor(Math.random() * 1e8)
      .toString()
      .padStart(8, '0')}`;

  it('keeps the phone code usable when its confirmation fails to commit', async () => {
    const phone = randomPhone();
    const player = await signIn(app, uniqueEmail('sms-retry'));
    expect((await post('/api/v1/auth/2fa/sms/phone', { phone }, player.accessToken)).statusCode).toBe(202);
    const code = await nextSmsCode(phone, 0);
    const record = jest.spyOn(app.get(AuditLog), 'record').mockRejectedValueOnce(new Error('audit log unavailable'));
    try {
      expect((await post('/api/v1/auth/2fa/sms/phone/confirm', { code }, player.accessToken)).statusCode).toBe(500);
    } finally {
      record.mockRestore();
    }
    const retried = await post('/api/v1/auth/2fa/sms/phone/confirm', { code }, player.accessToken);
    expect(retried.statusCode).toBe(204);
    expect((await mfaAuditsOf(player.userId)).map((audit) => audit.action)).toEqual(['user.mfa.enable']);
  });

  it('lets one of two confirmations racing with the same phone code commit, not both', async () => {
    const phone = randomPhone();
    const player = await signIn(app, uniqueEmail('sms-race'));
    expect((await post('/api/v1/auth/2fa/sms/phone', { phone }, player.accessToken)).statusCode).toBe(202);
    const code = await nextSmsCode(phone, 0);
    // Both confirmations find the code right before either gets to spend it.
    const codes = app.get(OneTimeCodeStore);
    const checkUnspent = codes.checkUnspent.bind(codes);
    let checkedCount = 0;
    let release: () => void = () => undefined;
    const bothChecked = new Promise<void>((resolve) => (release = resolve));
    const spy = jest.spyOn(codes, 'checkUnspent').mockImplementation(async (...args) => {
      const checked = await checkUnspent(...args);
      checkedCount += 1;
      if (checkedCount === 2) release();
      await bothChecked;
      return checked;
    });
    try {
      const answers = await Promise.all([
        post('/api/v1/auth/2fa/sms/phone/confirm', { code }, player.accessToken),
        post('/api/v1/auth/2fa/sms/phone/confirm', { code }, player.accessToken),
      ]);
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([204, 401]);
      expect(answers.find((answer) => answer.statusCode === 401)?.json<ErrorBody>().error.code).toBe(
        'MFA_CODE_INVALID',
      );
    } finally {
      spy.mockRestore();
    }
    expect((await mfaAuditsOf(player.userId)).map((audit) => audit.action)).toEqual(['user.mfa.enable']);
    const events: { kind: string }[] = await app
      .get(DataSource)
      .query(`SELECT kind FROM security_events WHERE user_id = $1 AND kind = 'phone.verified'`, [player.userId]);
    expect(events).toHaveLength(1);
  });

  it('lands no second factor without its audit record', async () => {
    await waitForFreshStep();
    const player = await signIn(app, uniqueEmail('totp-atomic'));
    const { secret } = (await post('/api/v1/auth/2fa/totp/setup', {}, player.accessToken)).json<{ secret: string }>();
    const record = jest.spyOn(app.get(AuditLog), 'record').mockRejectedValueOnce(new Error('audit log unavailable'));
    try {
      const enable = await post('/api/v1/auth/2fa/totp/enable', { code: totpCode(secret) }, player.accessToken);
      expect(enable.statusCode).toBe(500);
    } finally {
      record.mockRestore();
    }
    const status = await app.inject({ method: 'GET', url: '/api/v1/auth/2fa', headers: bearer(player.accessToken) });
    expect(status.json()).toMatchObject({ totpEnabled: false, recoveryCodesLeft: 0 });
    expect(await mfaAuditsOf(player.userId)).toEqual([]);
  });
  it('lands no second factor without its security event, which commits with the change', async () => {
    await waitForFreshStep();
    const player = await signIn(app, uniqueEmail('totp-event'));
    const { secret } = (await post('/api/v1/auth/2fa/totp/setup', {}, player.accessToken)).json<{ secret: string }>();
    const record = jest
      .spyOn(app.get(SecurityEventRepository), 'record')
      .mockRejectedValueOnce(new Error('security event log unavailable'));
    try {
      const enable = await post('/api/v1/auth/2fa/totp/enable', { code: totpCode(secret) }, player.accessToken);
      expect(enable.statusCode).toBe(500);
    } finally {
      record.mockRestore();
    }
    const status = await app.inject({ method: 'GET', url: '/api/v1/auth/2fa', headers: bearer(player.accessToken) });
    expect(status.json()).toMatchObject({ totpEnabled: false, recoveryCodesLeft: 0 });
    expect(await mfaAuditsOf(player.userId)).toEqual([]);

    const enabled = await post('/api/v1/auth/2fa/totp/enable', { code: totpCode(secret) }, player.accessToken);
    expect(enabled.statusCode).toBe(200);
    const events: { kind: string; details: Record<string, unknown> }[] = await app
      .get(DataSource)
      .query(`SELECT kind, details FROM security_events WHERE user_id = $1 AND kind LIKE 'mfa.%'`, [player.userId]);
    expect(events).toEqual([{ kind: 'mfa.enabled', details: { factor: 'totp' } }]);
  });
});
