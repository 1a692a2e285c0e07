import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { UsersService } from '../src/modules/user/users.service';
import { MAILDEV_API, readEmailCode, uniqueEmail } from './support/sign-in';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { signedInAs } from './support/user-test-auth';

interface ErrorBody {
  error: { code: string; message: string; details?: { retryAfterSeconds?: number } };
  requestId: string;
}
type Injected = Awaited<ReturnType<NestFastifyApplication['inject']>>;

const ORIGIN = { ip: '203.0.113.20', userAgent: 'jest-code-abuse' };

/** What a client learns from a refusal: status, Retry-After and the error without the request id. */
function refusal(response: Injected): { status: number; retryAfter: boolean; error: ErrorBody['error'] } {
  const { error } = response.json<ErrorBody>();
  const retryAfter = Number(response.headers['retry-after']);
  return { status: response.statusCode, retryAfter: retryAfter >= 1, error: { ...error, details: undefined } };
}

function emailStart(app: NestFastifyApplication, email: string, remoteAddress: string): Promise<Injected> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/email/start', remoteAddress, payload: { email } });
}

describe('code requests: per-IP limit (e2e)', () => {
  const LIMIT = 3;
  let environment: TestEnvironment;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    environment = await createTestEnvironment('codeip', {
      ADMIN_EMAIL: uniqueEmail('admin'),
      AUTH_CODE_RATE_LIMIT_PER_IP: String(LIMIT),
      AUTH_CODE_RATE_LIMIT_WINDOW_SECONDS: '600',
    });
    app = await startTestApp(environment.config);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  it('sends codes to a few addresses from one IP, then refuses it alike for known and unknown addresses', async () => {
    const ip = '198.51.100.31';
    const statuses: number[] = [];
    for (let n = 0; n < LIMIT; n++) statuses.push((await emailStart(app, uniqueEmail('spray'), ip)).statusCode);
    expect(statuses).toEqual([202, 202, 202]);

    const registered = uniqueEmail('registered');
    await app.get(UsersService).findOrRegisterByEmail(registered, ORIGIN);
    const unknown = refusal(await emailStart(app, uniqueEmail('unknown'), ip));
    const known = refusal(await emailStart(app, registered, ip));
    expect(unknown).toEqual({
      status: 429,
      retryAfter: true,
      error: expect.objectContaining({ code: 'RATE_LIMITED' }),
    });
    expect(known).toEqual(unknown);

    expect((await emailStart(app, registered, '198.51.100.32')).statusCode).toBe(202);
  });

  it('counts every code route of the IP together, SMS and profile changes included, and no other request', async () => {
    const ip = '198.51.100.41';
    const userId = (await app.get(UsersService).findOrRegisterByEmail(uniqueEmail('profile'), ORIGIN)).account.id;
    const headers = await signedInAs(app, userId);
    const profile = (method: 'PATCH' | 'POST', url: string, payload: object) =>
      app.inject({ method, url: `/api/v1/users/me${url}`, headers, remoteAddress: ip, payload });

    expect((await emailStart(app, uniqueEmail('mixed'), ip)).statusCode).toBe(202);
    expect((await profile('POST', '/email', { email: uniqueEmail('new') })).statusCode).toBe(202);
    expect((await profile('PATCH', '', { displayName: 'No Code Sent' })).statusCode).toBe(200);
    expect((await profile('PATCH', '', { phone: '+447911123480' })).statusCode).toBe(200);

    expect(refusal(await profile('PATCH', '', { phone: '+447911123481' })).status).toBe(429);
    const challenge = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/2fa/sms/challenge',
      remoteAddress: ip,
      payload: { mfaToken: 'x'.repeat(43) },
    });
    expect(refusal(challenge).error.code).toBe('RATE_LIMITED');
    expect((await profile('PATCH', '', { displayName: 'Still Fine' })).statusCode).toBe(200);
  });

  it('records the first refusal of a block as a security event with the IP, and counts refusals in a metric', async () => {
    const ip = '198.51.100.51';
    for (let n = 0; n <= LIMIT + 2; n++) await emailStart(app, uniqueEmail('event'), ip);
    const events: { kind: string; details: Record<string, unknown> }[] = await app
      .get(DataSource)
      .query(`SELECT kind, details FROM security_events WHERE kind = 'code.rate_limited' AND ip = $1::inet`, [ip]);
    expect(events).toEqual([{ kind: 'code.rate_limited', details: { limit: LIMIT, windowSeconds: 600 } }]);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/auth_code_requests_limited_total\{channel="mail"\} [1-9]/);
  });
});

describe('code requests: platform-wide circuit of outgoing mail and SMS (e2e)', () => {
  const MAIL_LIMIT = 3;
  let environment: TestEnvironment;
  /** Two nest-app instances on one Redis and database. */
  let apps: NestFastifyApplication[];

  beforeAll(async () => {
    environment = await createTestEnvironment('codecircuit', {
      ADMIN_EMAIL: uniqueEmail('admin'),
      OUTBOUND_MAIL_LIMIT_PER_WINDOW: String(MAIL_LIMIT),
      OUTBOUND_SMS_LIMIT_PER_WINDOW: '1',
      OUTBOUND_MESSAGE_WINDOW_SECONDS: '600',
    });
    apps = [await startTestApp(environment.config)];
    apps.push(await startTestApp(environment.config));
  });

  afterAll(async () => {
    await Promise.all((apps ?? []).map((app) => app.close()));
    await environment?.dispose();
  });

  it('sends mail codes up to the limit across instances, then refuses every address alike with 503', async () => {
    const [first, second] = apps as [NestFastifyApplication, NestFastifyApplication];
    const sent = [uniqueEmail('sent'), uniqueEmail('sent'), uniqueEmail('sent')];
    expect((await emailStart(first, sent[0]!, '192.0.2.1')).statusCode).toBe(202);
    expect((await emailStart(second, sent[1]!, '192.0.2.2')).statusCode).toBe(202);
    expect((await emailStart(first, sent[2]!, '192.0.2.3')).statusCode).toBe(202);

    const registered = uniqueEmail('registered');
    await first.get(UsersService).findOrRegisterByEmail(registered, ORIGIN);
    const refusedAddress = uniqueEmail('refused');
    const unknown = refusal(await emailStart(second, refusedAddress, '192.0.2.4'));
    expect(unknown).toEqual({
      status: 503,
      retryAfter: true,
      error: expect.objectContaining({ code: 'CODE_DELIVERY_PAUSED' }),
    });
    expect(refusal(await emailStart(first, registered, '192.0.2.5'))).toEqual(unknown);

    for (const address of sent) expect(await readEmailCode(address)).toMatch(/^\d{6}$/);
    const mails = (await (await fetch(`${MAILDEV_API}/email`)).json()) as { to: { address: string }[] }[];
    const toRefused = mails.filter((mail) => mail.to.some((to) => [refusedAddress, registered].includes(to.address)));
    expect(toRefused).toEqual([]);
    expect((await first.inject({ method: 'GET', url: '/metrics' })).body).toMatch(
      /outbound_messages_total\{channel="mail",kind="code",outcome="refused"\} [1-9]/,
    );
  });

  it('refuses a phone change past the SMS limit and changes nothing', async () => {
    const [first, second] = apps as [NestFastifyApplication, NestFastifyApplication];
    const users = first.get(UsersService);
    const [sender, refused] = await Promise.all(
      ['sms-sent', 'sms-refused'].map(
        async (label) => (await users.findOrRegisterByEmail(uniqueEmail(label), ORIGIN)).account.id,
      ),
    );
    const patch = async (app: NestFastifyApplication, userId: string, payload: object) =>
      app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: await signedInAs(app, userId), payload });

    expect((await patch(first, sender!, { phone: '+447911123490' })).statusCode).toBe(200);
    const answer = await patch(second, refused!, { phone: '+447911123491', displayName: 'Not Saved' });
    expect(refusal(answer)).toMatchObject({ status: 503, error: { code: 'CODE_DELIVERY_PAUSED' } });
    const profile = await second.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      headers: await signedInAs(second, refused!),
    });
    expect(profile.json()).toMatchObject({ phone: null, pendingPhone: null, displayName: null });
  });
});
