import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import {
  create,
  EUR,
  newPlayer,
  startPaymentSuite,
  verifyKyc,
  type PaymentSuite,
  type Player,
} from './payment-test-kit';

/**
 * Deposits need real-money eligibility (docs/operations.md, "Real-money eligibility"): UKGC verifies a customer's age
 * before they deposit (../shared/reference/responsible-gaming.md), and the current terms must be accepted. A refused
 * deposit creates no intent and asks the PSP nothing; withdrawals are never gated by it.
 */
describe('deposit eligibility (e2e)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let config: AppConfig;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-eligibility');
    app = suite.app;
    config = app.get(AppConfig);
  });

  afterAll(() => suite?.close());

  afterEach(() => {
    config.CONSENT_TERMS_VERSION = '1';
  });

  async function intentsOf(player: Player): Promise<number> {
    const rows = (await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM payment_intents WHERE user_id = $1`, [player.userId])) as { n: number }[];
    return rows[0]?.n ?? 0;
  }

  async function accept(player: Player, kinds: ('terms' | 'privacy')[]): Promise<void> {
    const consents = kinds.map((kind) => ({
      kind,
      version: kind === 'terms' ? config.CONSENT_TERMS_VERSION : config.CONSENT_PRIVACY_VERSION,
      granted: true,
    }));
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/users/me/consents',
      headers: player.headers,
      payload: { consents },
    });
    expect(response.statusCode).toBe(200);
  }

  async function setBirthDate(player: Player, birthDate: string) {
    return app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: player.headers, payload: { birthDate } });
  }

  it('refuses a deposit without the current terms: 409 TERMS_NOT_ACCEPTED, no intent', async () => {
    const player = await newPlayer(app, 0n, false);
    const response = await create(app, player, 'deposits', EUR('2500'));
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'TERMS_NOT_ACCEPTED',
      details: { missing: ['terms', 'privacy', 'birth_date', 'age_verification'], currentVersions: { terms: '1' } },
    });
    expect(await intentsOf(player)).toBe(0);
  });

  it('refuses it without a verified age: 403 AGE_NOT_VERIFIED, first for the birth date, then for its verification', async () => {
    const player = await newPlayer(app, 0n, false);
    await accept(player, ['terms', 'privacy']);
    const noBirthDate = await create(app, player, 'deposits', EUR('2500'));
    expect(noBirthDate.statusCode).toBe(403);
    expect(noBirthDate.json().error).toMatchObject({
      code: 'AGE_NOT_VERIFIED',
      details: { missing: ['birth_date', 'age_verification'], minimumAge: 18 },
    });
    expect((await setBirthDate(player, '1992-02-29')).statusCode).toBe(200);
    const unverified = await create(app, player, 'deposits', EUR('2500'));
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().error).toMatchObject({
      code: 'AGE_NOT_VERIFIED',
      details: { missing: ['age_verification'] },
    });
    expect(await intentsOf(player)).toBe(0);
  });

  it('accepts the deposit of a player whose KYC check verified the birth date on file, and locks that date', async () => {
    const player = await newPlayer(app, 0n, false);
    await accept(player, ['terms', 'privacy']);
    expect((await setBirthDate(player, '1980-07-01')).statusCode).toBe(200);
    await verifyKyc(app, player.userId);
    expect((await create(app, player, 'deposits', EUR('2500'))).statusCode).toBe(201);
    const changed = await setBirthDate(player, '1970-07-01');
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('BIRTH_DATE_LOCKED');
  });

  it('asks for the new terms version before the next deposit, and takes it once accepted', async () => {
    const player = await newPlayer(app);
    expect((await create(app, player, 'deposits', EUR('1000'))).statusCode).toBe(201);
    config.CONSENT_TERMS_VERSION = '2';
    const refused = await create(app, player, 'deposits', EUR('1000'));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details).toMatchObject({ missing: ['terms'], currentVersions: { terms: '2' } });
    await accept(player, ['terms']);
    expect((await create(app, player, 'deposits', EUR('1000'))).statusCode).toBe(201);
  });

  it('never gates a withdrawal: outdated terms still let a verified player take money out', async () => {
    const player = await newPlayer(app, 10_000n);
    await verifyKyc(app, player.userId);
    config.CONSENT_TERMS_VERSION = '2';
    expect((await create(app, player, 'withdrawals', EUR('1000'))).statusCode).toBe(201);
  });
});
