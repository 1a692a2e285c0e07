import { MAIL_JOBS, QUEUES, SMS_JOBS, type SendEmailJobV1, type SendSmsJobV1 } from '@casino/contracts';
import { maskEmail, maskPhone } from '@casino/platform';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditLog } from '../src/common/audit/audit-log';
import type { ManualClock } from '../src/common/time/clock';
import { Mailer } from '../src/infra/mail/mailer';
import { SmsDispatcher } from '../src/infra/sms/sms-dispatcher';
import { VerificationCodes } from '../src/modules/user/profile/verification-codes';
import { UsersService } from '../src/modules/user/users.service';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { signedInAs } from './support/user-test-auth';
import { uniqueEmail } from './support/sign-in';
import { startUserTestApp } from './support/user-test-app';
import { lastMailedCode, lastSmsCode, mailsTo } from './support/user-test-queues';

const ORIGIN = { ip: '203.0.113.9', userAgent: 'jest' };
/** Where the confirmations of the audit tests come from. */
const CLIENT = { ip: '198.51.100.23', userAgent: 'profile-audit-test/1.0' };

interface AuditRow {
  actor_id: string;
  actor_roles: string[];
  action: string;
  target_type: string;
  target_id: string;
  ip: string;
  user_agent: string;
  request_id: string | null;
  details: Record<string, unknown>;
}

describe('user profile (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clock: ManualClock;
  let users: UsersService;

  beforeAll(async () => {
    environment = await createTestEnvironment('user-profile', { MIN_PLAYER_AGE: '18', BLOCKED_COUNTRIES: 'US,FR' });
    ({ app, clock } = await startUserTestApp(environment.config, new Date('2026-03-02T10:00:00Z')));
    users = app.get(UsersService);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  async function newPlayer(email: string): Promise<string> {
    return (await users.findOrRegisterByEmail(email, ORIGIN)).account.id;
  }

  async function call(method: 'GET' | 'PATCH' | 'POST', url: string, userId: string, payload?: object) {
    return app.inject({ method, url: `/api/v1/users/me${url}`, headers: await signedInAs(app, userId), payload });
  }

  async function confirmFromClient(field: 'email' | 'phone', userId: string, code: string) {
    return app.inject({
      method: 'POST',
      url: `/api/v1/users/me/${field}/confirm`,
      headers: { ...(await signedInAs(app, userId)), 'user-agent': CLIENT.userAgent },
      remoteAddress: CLIENT.ip,
      payload: { code },
    });
  }

  async function auditsOf(userId: string, action: string): Promise<AuditRow[]> {
    return app.get(DataSource).query(
      `SELECT actor_id, actor_roles, action, target_type, target_id, host(ip) AS ip, user_agent, request_id, details
       FROM audit_log WHERE target_id = $1 AND action = $2 ORDER BY occurred_at, id`,
      [userId, action],
    );
  }

  /** Starts a change of the email or phone and answers the code sent for it. */
  async function startChange(field: 'email' | 'phone', userId: string, value: string): Promise<string> {
    if (field === 'phone') {
      await call('PATCH', '', userId, { phone: value });
      return lastSmsCode(app, value);
    }
    await call('POST', '/email', userId, { email: value });
    return lastMailedCode(value);
  }

  it('refuses an anonymous caller with 401', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/users/me' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('shows and updates the profile', async () => {
    const userId = await newPlayer('pat@example.test');
    const patch = { displayName: 'Pat', firstName: 'Pat', lastName: 'Doe', birthDate: '2008-03-02', country: 'DE' };
    const updated = await call('PATCH', '', userId, { ...patch, language: 'de', currency: 'GBP' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ ...patch, language: 'de', currency: 'GBP', email: 'pat@example.test' });
    const shown = await call('GET', '', userId);
    expect(shown.json()).toMatchObject({ ...patch, emailVerified: true, currencyLocked: false, roles: ['player'] });
    const events = await app
      .get(DataSource)
      .query(`SELECT envelope FROM outbox_events WHERE aggregate_id = $1 AND event_type = 'user.currency.changed'`, [
        userId,
      ]);
    expect(events.map((row: { envelope: { payload: unknown } }) => row.envelope.payload)).toEqual([
      { userId, previousCurrency: 'EUR', currency: 'GBP', changedAt: '2026-03-02T10:00:00.000Z' },
    ]);
  });

  it.each([
    ['one day under 18', { birthDate: '2008-03-03' }, 422, 'PLAYER_UNDERAGE'],
    ['a blocked country', { country: 'FR' }, 422, 'COUNTRY_NOT_ALLOWED'],
    ['a phone number without +', { phone: '447911123456' }, 400, 'VALIDATION_FAILED'],
    ['a phone number with letters', { phone: '+44791112345a' }, 400, 'VALIDATION_FAILED'],
    ['a currency that is not ISO 4217', { currency: 'EURO' }, 400, 'VALIDATION_FAILED'],
    ['an ISO 4217 currency the platform does not offer', { currency: 'XAU' }, 422, 'CURRENCY_NOT_SUPPORTED'],
    ['an impossible date', { birthDate: '1990-02-30' }, 400, 'VALIDATION_FAILED'],
    ['a lower-case country', { country: 'de' }, 400, 'VALIDATION_FAILED'],
  ])('refuses %s and changes nothing', async (_label, invalid, status, code) => {
    const userId = await newPlayer(`invalid-${code.toLowerCase()}-${status}-${Object.keys(invalid)[0]}@example.test`);
    const before = (await call('GET', '', userId)).json();
    const response = await call('PATCH', '', userId, { displayName: 'Changed', ...invalid });
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    if (code === 'VALIDATION_FAILED') {
      expect(response.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual(Object.keys(invalid));
    }
    expect((await call('GET', '', userId)).json()).toEqual(before);
  });

  it('changes the phone number only once the SMS code is confirmed', async () => {
    const userId = await newPlayer('phone@example.test');
    const pending = await call('PATCH', '', userId, { phone: '+447911123456' });
    expect(pending.json()).toMatchObject({ phone: null, pendingPhone: '+447911123456', phoneVerified: false });
    const code = await lastSmsCode(app, '+447911123456');
    const wrong = await call('POST', '/phone/confirm', userId, { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'VERIFICATION_CODE_INVALID', details: { attemptsLeft: 4 } });
    const confirmed = await call('POST', '/phone/confirm', userId, { code });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ phone: '+447911123456', phoneVerified: true, pendingPhone: null });
    const reused = await call('POST', '/phone/confirm', userId, { code });
    expect(reused.json().error.code).toBe('VERIFICATION_CODE_EXPIRED');
  });

  it("queues the phone-change text through SmsDispatcher, with the sms queue's options for codes", async () => {
    const phone = '+447911123457';
    const dispatcher = app.get(SmsDispatcher);
    const queue = app.get<Queue<SendSmsJobV1>>(getQueueToken(QUEUES.SMS));
    const send = jest.spyOn(dispatcher, 'sendCode');
    const add = jest.spyOn(queue, 'add');
    try {
      const userId = await newPlayer('phone-dispatch@example.test');
      await call('PATCH', '', userId, { phone });
      const code = await lastSmsCode(app, phone);
      const message = { to: phone, text: expect.stringContaining(code) as string, template: 'phone-change-code' };
      expect(send.mock.calls).toEqual([[message]]);
      expect(add).toHaveBeenCalledTimes(1);
      const job = (await add.mock.results[0]?.value) as Job<SendSmsJobV1>;
      expect(job).toMatchObject({ name: SMS_JOBS.SEND_SMS, data: message });
      expect(job.opts).toMatchObject({ attempts: 5, removeOnComplete: true, removeOnFail: { age: 600 } });
    } finally {
      send.mockRestore();
      add.mockRestore();
    }
  });

  it("queues the email-change code and the notice to the old address through Mailer, with the mail queue's options for codes", async () => {
    const [oldAddress, newAddress] = [uniqueEmail('mailer-old'), uniqueEmail('mailer-new')];
    const mailer = app.get(Mailer);
    const queue = app.get<Queue<SendEmailJobV1>>(getQueueToken(QUEUES.MAIL));
    const sendCode = jest.spyOn(mailer, 'sendCode');
    const sendNotice = jest.spyOn(mailer, 'sendNotice');
    const add = jest.spyOn(queue, 'add');
    try {
      const userId = await newPlayer(oldAddress);
      await call('POST', '/email', userId, { email: newAddress });
      const code = await lastMailedCode(newAddress);
      await call('POST', '/email/confirm', userId, { code });
      await mailsTo(oldAddress);
      expect(sendCode.mock.calls).toEqual([
        [
          {
            to: newAddress,
            subject: expect.any(String),
            text: expect.stringContaining(code),
            template: 'email-change-code',
          },
        ],
      ]);
      expect(sendNotice.mock.calls).toEqual([
        [expect.objectContaining({ to: oldAddress, template: 'email-changed-notice' })],
      ]);
      const jobs = (await Promise.all(add.mock.results.map((result) => result.value))) as Job<SendEmailJobV1>[];
      expect(jobs.map((job) => [job.name, job.data.template])).toEqual([
        [MAIL_JOBS.SEND_EMAIL, 'email-change-code'],
        [MAIL_JOBS.SEND_EMAIL, 'email-changed-notice'],
      ]);
      for (const job of jobs) {
        expect(job.opts).toMatchObject({ attempts: 5, removeOnComplete: true, removeOnFail: { age: 600 } });
      }
    } finally {
      sendCode.mockRestore();
      sendNotice.mockRestore();
      add.mockRestore();
    }
  });

  it('changes the email on confirmation, tells the old address, and refuses a second code within a minute', async () => {
    const [oldAddress, newAddress] = [uniqueEmail('old-address'), uniqueEmail('new-address')];
    const userId = await newPlayer(oldAddress);
    const started = await call('POST', '/email', userId, { email: newAddress.toUpperCase() });
    expect(started.statusCode).toBe(202);
    const again = await call('POST', '/email', userId, { email: newAddress });
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    const code = await lastMailedCode(newAddress);
    const confirmed = await call('POST', '/email/confirm', userId, { code });
    expect(confirmed.json()).toMatchObject({ email: newAddress, emailVerified: true });
    const notices = await mailsTo(oldAddress);
    expect(notices.map((mail) => mail.subject)).toEqual(['Your email address was changed']);
    expect(JSON.stringify(notices)).not.toContain(code);
  });

  it('takes the code back when its mail cannot be queued, so the player may ask again at once', async () => {
    const [oldAddress, newAddress] = [uniqueEmail('queue-down-old'), uniqueEmail('queue-down-new')];
    const userId = await newPlayer(oldAddress);
    const queue = app.get<Queue<SendEmailJobV1>>(getQueueToken(QUEUES.MAIL));
    const add = jest.spyOn(queue, 'add').mockRejectedValueOnce(new Error('Redis is down'));
    try {
      expect((await call('POST', '/email', userId, { email: newAddress })).statusCode).toBe(500);
    } finally {
      add.mockRestore();
    }
    expect((await call('GET', '', userId)).json()).toMatchObject({ email: oldAddress, pendingEmail: null });

    const again = await call('POST', '/email', userId, { email: newAddress });
    expect(again.statusCode).toBe(202);
    const confirmed = await call('POST', '/email/confirm', userId, { code: await lastMailedCode(newAddress) });
    expect(confirmed.json()).toMatchObject({ email: newAddress });
  });

  it('changes nothing and takes the code back when the phone-change text cannot be queued', async () => {
    const phone = '+447911123462';
    const userId = await newPlayer(uniqueEmail('sms-down'));
    const queue = app.get<Queue<SendSmsJobV1>>(getQueueToken(QUEUES.SMS));
    const add = jest.spyOn(queue, 'add').mockRejectedValueOnce(new Error('Redis is down'));
    try {
      expect((await call('PATCH', '', userId, { phone, displayName: 'Queue Down' })).statusCode).toBe(500);
    } finally {
      add.mockRestore();
    }
    expect((await call('GET', '', userId)).json()).toMatchObject({ phone: null, pendingPhone: null });
    expect((await call('GET', '', userId)).json().displayName).not.toBe('Queue Down');

    const again = await call('PATCH', '', userId, { phone, displayName: 'Queue Back' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ pendingPhone: phone, displayName: 'Queue Back' });
    const confirmed = await call('POST', '/phone/confirm', userId, { code: await lastSmsCode(app, phone) });
    expect(confirmed.json()).toMatchObject({ phone, phoneVerified: true });
  });

  it('kills a code after 5 wrong tries: the 6th try fails even with the right code', async () => {
    const brute = uniqueEmail('brute');
    const userId = await newPlayer(brute);
    const target = uniqueEmail('brute-new');
    await call('POST', '/email', userId, { email: target });
    const code = await lastMailedCode(target);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const response = await call('POST', '/email/confirm', userId, { code: wrong });
      expect(response.json().error).toMatchObject({
        code: 'VERIFICATION_CODE_INVALID',
        details: { attemptsLeft: 5 - attempt },
      });
    }
    const sixth = await call('POST', '/email/confirm', userId, { code });
    expect(sixth.json().error.code).toBe('VERIFICATION_CODE_EXPIRED');
    expect((await call('GET', '', userId)).json().email).toBe(brute);
  });

  it('refuses a code after 10 minutes', async () => {
    const userId = await newPlayer(uniqueEmail('slow'));
    const target = uniqueEmail('slow-new');
    await call('POST', '/email', userId, { email: target });
    const code = await lastMailedCode(target);
    clock.advance(10 * 60 * 1000 + 1000);
    const response = await call('POST', '/email/confirm', userId, { code });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VERIFICATION_CODE_EXPIRED');
  });

  it('refuses an address another account uses with EMAIL_ALREADY_IN_USE at confirmation', async () => {
    const taken = uniqueEmail('taken');
    await newPlayer(taken);
    const userId = await newPlayer(uniqueEmail('wants-taken'));
    await call('POST', '/email', userId, { email: taken });
    const code = await lastMailedCode(taken);
    const response = await call('POST', '/email/confirm', userId, { code });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('EMAIL_ALREADY_IN_USE');
    expect(await auditsOf(userId, 'user.email.change')).toEqual([]);
  });

  it('audits a confirmed phone change: the player, the masked numbers before and after, the origin; no code', async () => {
    const [previous, phone] = ['+447911000001', '+447911123458'];
    const userId = await newPlayer(uniqueEmail('phone-audit'));
    await app
      .get(DataSource)
      .query(`UPDATE users SET phone = $2, phone_verified_at = now() WHERE id = $1`, [userId, previous]);
    const code = await startChange('phone', userId, phone);
    expect((await confirmFromClient('phone', userId, code)).statusCode).toBe(200);

    const audits = await auditsOf(userId, 'user.phone.change');
    expect(audits).toEqual([
      {
        actor_id: userId,
        actor_roles: ['player'],
        action: 'user.phone.change',
        target_type: 'user',
        target_id: userId,
        ip: CLIENT.ip,
        user_agent: CLIENT.userAgent,
        request_id: expect.any(String),
        details: { from: '+44791*****01', to: maskPhone(phone) },
      },
    ]);
    for (const secret of [code, previous, phone]) expect(JSON.stringify(audits)).not.toContain(secret);
  });

  it('audits a confirmed email change: the player, the masked addresses before and after, the origin; no code', async () => {
    const [oldAddress, newAddress] = [uniqueEmail('old'), uniqueEmail('new')];
    const userId = await newPlayer(oldAddress);
    const code = await startChange('email', userId, newAddress);
    expect((await confirmFromClient('email', userId, code)).statusCode).toBe(200);
    await mailsTo(oldAddress);

    const audits = await auditsOf(userId, 'user.email.change');
    expect(audits).toEqual([
      expect.objectContaining({
        actor_id: userId,
        actor_roles: ['player'],
        target_type: 'user',
        target_id: userId,
        ip: CLIENT.ip,
        user_agent: CLIENT.userAgent,
        details: { from: maskEmail(oldAddress), to: maskEmail(newAddress) },
      }),
    ]);
    expect(audits[0]?.details).toEqual({ from: 'o***@e***.test', to: 'n***@e***.test' });
    for (const secret of [code, oldAddress, newAddress]) expect(JSON.stringify(audits)).not.toContain(secret);
  });

  it.each([
    ['phone', '+447911123459'],
    ['email', uniqueEmail('atomic-new')],
  ] as const)('lands no %s change without its audit record', async (field, value) => {
    const oldAddress = uniqueEmail('atomic-old');
    const userId = await newPlayer(oldAddress);
    const code = await startChange(field, userId, value);
    const record = jest.spyOn(app.get(AuditLog), 'record').mockRejectedValueOnce(new Error('audit log unavailable'));
    try {
      expect((await confirmFromClient(field, userId, code)).statusCode).toBe(500);
    } finally {
      record.mockRestore();
    }
    expect((await call('GET', '', userId)).json()).toMatchObject({
      email: oldAddress,
      phone: null,
      phoneVerified: false,
    });
    expect(await auditsOf(userId, `user.${field}.change`)).toEqual([]);
  });
  it('keeps the email code usable when the address turns out to be taken, so it works once the address is free', async () => {
    const [holderAddress, wanted] = [uniqueEmail('holder'), uniqueEmail('wanted')];
    const holderId = await newPlayer(wanted);
    const userId = await newPlayer(holderAddress);
    const code = await startChange('email', userId, wanted);
    const refused = await confirmFromClient('email', userId, code);
    expect(refused.json().error.code).toBe('EMAIL_ALREADY_IN_USE');

    await app.get(DataSource).query(`UPDATE users SET email = $2 WHERE id = $1`, [holderId, uniqueEmail('moved')]);
    const confirmed = await confirmFromClient('email', userId, code);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ email: wanted, pendingEmail: null });
    expect(await auditsOf(userId, 'user.email.change')).toHaveLength(1);
    expect((await confirmFromClient('email', userId, code)).json().error.code).toBe('VERIFICATION_CODE_EXPIRED');
  });

  it.each([
    ['phone', '+447911123460'],
    ['email', uniqueEmail('retry-new')],
  ] as const)('keeps the %s code usable when its confirmation fails to commit', async (field, value) => {
    const userId = await newPlayer(uniqueEmail('retry-old'));
    const code = await startChange(field, userId, value);
    const record = jest.spyOn(app.get(AuditLog), 'record').mockRejectedValueOnce(new Error('audit log unavailable'));
    try {
      expect((await confirmFromClient(field, userId, code)).statusCode).toBe(500);
    } finally {
      record.mockRestore();
    }
    const retried = await confirmFromClient(field, userId, code);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ [field]: value });
    expect(await auditsOf(userId, `user.${field}.change`)).toHaveLength(1);
  });

  it.each([
    ['phone', '+447911123461'],
    ['email', uniqueEmail('race-new')],
  ] as const)('lets one of two confirmations racing with the same %s code succeed, not both', async (field, value) => {
    const userId = await newPlayer(uniqueEmail('race-old'));
    const code = await startChange(field, userId, value);
    // Both confirmations find the code right before either gets to spend it.
    const codes = app.get(VerificationCodes);
    const check = codes.check.bind(codes);
    let checkedCount = 0;
    let release: () => void = () => undefined;
    const bothChecked = new Promise<void>((resolve) => (release = resolve));
    const spy = jest.spyOn(codes, 'check').mockImplementation(async (...args) => {
      const checked = await check(...args);
      checkedCount += 1;
      if (checkedCount === 2) release();
      await bothChecked;
      return checked;
    });
    try {
      const answers = await Promise.all([
        confirmFromClient(field, userId, code),
        confirmFromClient(field, userId, code),
      ]);
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 400]);
      const loser = answers.find((answer) => answer.statusCode === 400);
      expect(loser?.json().error.code).toBe('VERIFICATION_CODE_EXPIRED');
    } finally {
      spy.mockRestore();
    }
    expect(await auditsOf(userId, `user.${field}.change`)).toHaveLength(1);
    expect((await call('GET', '', userId)).json()).toMatchObject({ [field]: value });
  });
});
