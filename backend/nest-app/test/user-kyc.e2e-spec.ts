import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { ManualClock } from '../src/common/time/clock';
import { KycService } from '../src/modules/user/kyc/kyc.service';
import { signKycPayload } from '../src/modules/user/kyc/kyc-webhook-signature';
import { UsersService } from '../src/modules/user/users.service';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { signedInAs } from './support/user-test-auth';
import { startUserTestApp } from './support/user-test-app';

const SECRET = 'kyc-e2e-shared-secret-0123456789';
const PROVIDER = 'acme-kyc';
const ORIGIN = { ip: '203.0.113.10', userAgent: 'jest' };

describe('user KYC (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clock: ManualClock;
  let users: UsersService;
  let kyc: KycService;
  let db: DataSource;
  let staffId: string;
  let playerOnlyId: string;

  beforeAll(async () => {
    environment = await createTestEnvironment('user-kyc', { KYC_WEBHOOK_SECRET: SECRET, KYC_PROVIDER: PROVIDER });
    ({ app, clock } = await startUserTestApp(environment.config));
    users = app.get(UsersService);
    kyc = app.get(KycService);
    db = app.get(DataSource);
    staffId = (await users.findOrRegisterByEmail('officer@example.test', ORIGIN)).account.id;
    await users.grantRole(staffId, 'compliance');
    playerOnlyId = (await users.findOrRegisterByEmail('not-staff@example.test', ORIGIN)).account.id;
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  async function newPlayer(email: string): Promise<string> {
    return (await users.findOrRegisterByEmail(email, ORIGIN)).account.id;
  }

  async function startCheck(userId: string, level = 'basic') {
    return app.inject({
      method: 'POST',
      url: '/api/v1/users/me/kyc',
      headers: await signedInAs(app, userId),
      payload: { level },
    });
  }

  async function decide(userId: string, payload: object, roles: ('compliance' | 'player')[] = ['compliance']) {
    return app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${userId}/kyc/decision`,
      headers: await signedInAs(app, roles.includes('compliance') ? staffId : playerOnlyId),
      payload,
    });
  }

  function nowSeconds(): number {
    return Math.floor(clock.now().getTime() / 1000);
  }

  async function webhook(body: string, header: string, provider = PROVIDER) {
    return app.inject({
      method: 'POST',
      url: `/api/v1/users/kyc/webhooks/${provider}`,
      headers: { 'content-type': 'application/json', 'x-kyc-signature': header },
      payload: body,
    });
  }

  function sign(body: string, timestamp = nowSeconds(), secret = SECRET): string {
    return `t=${timestamp},v1=${signKycPayload(secret, String(timestamp), Buffer.from(body))}`;
  }

  async function historyOf(userId: string): Promise<{ from_status: string; to_status: string; actor_type: string }[]> {
    return db.query(`SELECT from_status, to_status, actor_type FROM user_kyc_history WHERE user_id = $1 ORDER BY id`, [
      userId,
    ]);
  }

  it('starts a check: not_started → pending, and a second start is refused', async () => {
    const userId = await newPlayer('kyc-start@example.test');
    expect(await kyc.getStatus(userId)).toEqual({ status: 'not_started', level: null });
    const started = await startCheck(userId);
    expect(started.statusCode).toBe(201);
    expect(started.json()).toMatchObject({ status: 'pending', level: 'basic', providerReference: expect.any(String) });
    const again = await startCheck(userId);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'KYC_TRANSITION_NOT_ALLOWED',
      details: { from: 'pending', to: 'pending' },
    });
    expect(await historyOf(userId)).toEqual([
      { from_status: 'not_started', to_status: 'pending', actor_type: 'player' },
    ]);
  });

  it('accepts a correctly signed provider webhook, records history, and ignores a repeated event id', async () => {
    const userId = await newPlayer('kyc-webhook@example.test');
    const reference = (await startCheck(userId)).json().providerReference as string;
    const body = JSON.stringify({ eventId: 'evt-1', reference, status: 'verified', level: 'basic' });
    const accepted = await webhook(body, sign(body));
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ accepted: true, duplicate: false });
    expect(await kyc.getStatus(userId)).toEqual({ status: 'verified', level: 'basic' });
    const repeated = await webhook(body, sign(body));
    expect(repeated.json()).toEqual({ accepted: true, duplicate: true });
    expect(await historyOf(userId)).toEqual([
      { from_status: 'not_started', to_status: 'pending', actor_type: 'player' },
      { from_status: 'pending', to_status: 'verified', actor_type: 'provider' },
    ]);
    await expect(kyc.assertVerified(userId)).resolves.toBeUndefined();
    await expect(kyc.assertVerified(userId, 'enhanced')).rejects.toMatchObject({ code: 'KYC_REQUIRED' });
    const late = JSON.stringify({ eventId: 'evt-2', reference, status: 'rejected', level: 'basic' });
    const refused = await webhook(late, sign(late));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('KYC_TRANSITION_NOT_ALLOWED');
  });

  it.each([
    ['a tampered body', (body: string) => ({ body: body.replace('verified', 'rejected'), header: sign(body) })],
    ['a wrong secret', (body: string) => ({ body, header: sign(body, nowSeconds(), 'not-the-shared-secret-at-all') })],
    ['a stale timestamp (301 s)', (body: string) => ({ body, header: sign(body, nowSeconds() - 301) })],
    ['no signature', (body: string) => ({ body, header: '' })],
  ])('refuses a webhook with %s (400) and changes nothing', async (_label, forge) => {
    const userId = await newPlayer(`kyc-forged-${_label.replace(/\W/g, '')}@example.test`);
    const reference = (await startCheck(userId)).json().providerReference as string;
    const genuine = JSON.stringify({ eventId: `evt-${userId}`, reference, status: 'verified', level: 'enhanced' });
    const { body, header } = forge(genuine);
    const response = await webhook(body, header);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('KYC_WEBHOOK_SIGNATURE_INVALID');
    expect(await kyc.getStatus(userId)).toEqual({ status: 'pending', level: 'basic' });
    expect(await historyOf(userId)).toHaveLength(1);
  });

  it('answers 404 for a provider it does not know', async () => {
    const body = JSON.stringify({ eventId: 'x', reference: 'y', status: 'verified', level: 'basic' });
    const response = await webhook(body, sign(body), 'someone-else');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('KYC_PROVIDER_UNKNOWN');
  });

  it('lets compliance reject, the player resubmit, and compliance verify; audited, with reviewer and reason', async () => {
    const userId = await newPlayer('kyc-staff@example.test');
    const notStarted = await decide(userId, { status: 'verified', level: 'basic', reason: 'documents fine' });
    expect(notStarted.statusCode).toBe(409);
    expect(notStarted.json().error.details).toEqual({ from: 'not_started', to: 'verified' });
    await startCheck(userId);
    const asPlayer = await decide(userId, { status: 'verified', level: 'basic', reason: 'self-service' }, ['player']);
    expect(asPlayer.statusCode).toBe(403);
    const rejected = await decide(userId, { status: 'rejected', level: 'basic', reason: 'blurry passport photo' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', reason: 'blurry passport photo' });
    const rejectedAgain = await decide(userId, { status: 'rejected', level: 'basic', reason: 'still blurry' });
    expect(rejectedAgain.json().error.details).toEqual({ from: 'rejected', to: 'rejected' });
    await expect(kyc.assertVerified(userId)).rejects.toMatchObject({
      code: 'KYC_REQUIRED',
      details: { status: 'rejected' },
    });
    expect((await startCheck(userId, 'enhanced')).json()).toMatchObject({ status: 'pending', level: 'enhanced' });
    const verified = await decide(userId, { status: 'verified', level: 'enhanced', reason: 'new passport scan ok' });
    expect(verified.statusCode).toBe(200);
    const toPending = await startCheck(userId);
    expect(toPending.json().error.details).toEqual({ from: 'verified', to: 'pending' });

    const review = await app.inject({
      method: 'GET',
      url: `/api/v1/admin/users/${userId}/kyc`,
      headers: await signedInAs(app, staffId),
    });
    expect(review.json().history).toEqual([
      expect.objectContaining({ fromStatus: 'not_started', toStatus: 'pending', actorType: 'player', actorId: userId }),
      expect.objectContaining({
        fromStatus: 'pending',
        toStatus: 'rejected',
        actorType: 'staff',
        actorId: staffId,
        reason: 'blurry passport photo',
      }),
      expect.objectContaining({ fromStatus: 'rejected', toStatus: 'pending', actorType: 'player', level: 'enhanced' }),
      expect.objectContaining({
        fromStatus: 'pending',
        toStatus: 'verified',
        actorType: 'staff',
        reason: 'new passport scan ok',
      }),
    ]);
    const [row] = await db.query(`SELECT reviewed_by, decided_at FROM user_kyc WHERE user_id = $1`, [userId]);
    expect(row.reviewed_by).toBe(`staff:${staffId}`);
    // The staff decision that verified the identity verified the date of birth with it (not the rejection before).
    expect((await ageVerification(userId)).age_verified_by).toBe(`kyc:staff:${staffId}`);
    const audits = await db.query(
      `SELECT actor_id, action, details FROM audit_log WHERE target_id = $1 AND action = 'kyc.decide' ORDER BY occurred_at, id`,
      [userId],
    );
    expect(audits).toHaveLength(2);
    expect(audits.map((audit: { details: { to: string; reason: string } }) => audit.details)).toEqual([
      { from: 'pending', to: 'rejected', level: 'basic', reason: 'blurry passport photo' },
      { from: 'pending', to: 'verified', level: 'enhanced', reason: 'new passport scan ok' },
    ]);
    expect(audits[0].actor_id).toBe(staffId);
  });

  async function ageVerification(
    userId: string,
  ): Promise<{ age_verified_at: Date | null; age_verified_by: string | null }> {
    const [row] = (await db.query(`SELECT age_verified_at, age_verified_by FROM users WHERE id = $1`, [userId])) as {
      age_verified_at: Date | null;
      age_verified_by: string | null;
    }[];
    return row;
  }

  it('records the age as verified by the provider: with a verified check, or its ageVerified on a rejected one', async () => {
    const verified = await newPlayer('kyc-age-verified@example.test');
    const reference = (await startCheck(verified)).json().providerReference as string;
    expect(await ageVerification(verified)).toEqual({ age_verified_at: null, age_verified_by: null });
    const body = JSON.stringify({ eventId: `evt-age-${verified}`, reference, status: 'verified', level: 'basic' });
    expect((await webhook(body, sign(body))).statusCode).toBe(200);
    expect(await ageVerification(verified)).toEqual({
      age_verified_at: clock.now(),
      age_verified_by: `kyc:provider:${PROVIDER}`,
    });

    const ageOnly = await newPlayer('kyc-age-only@example.test');
    const ageReference = (await startCheck(ageOnly)).json().providerReference as string;
    const rejected = { eventId: `evt-age-${ageOnly}`, reference: ageReference, status: 'rejected', level: 'basic' };
    const plain = JSON.stringify({ ...rejected, reason: 'proof of address missing' });
    expect((await webhook(plain, sign(plain))).statusCode).toBe(200);
    expect((await ageVerification(ageOnly)).age_verified_at).toBeNull();
    const resubmitted = (await startCheck(ageOnly)).json().providerReference as string;
    const again = JSON.stringify({
      ...rejected,
      eventId: `evt-age2-${ageOnly}`,
      reference: resubmitted,
      ageVerified: true,
    });
    expect((await webhook(again, sign(again))).statusCode).toBe(200);
    expect(await kyc.getStatus(ageOnly)).toMatchObject({ status: 'rejected' });
    expect((await ageVerification(ageOnly)).age_verified_by).toBe(`kyc:provider:${PROVIDER}`);
  });

  it('refuses a staff member deciding their own KYC', async () => {
    const response = await decide(staffId, { status: 'verified', level: 'basic', reason: 'it is me' });
    expect(response.statusCode).toBe(403);
  });
});
