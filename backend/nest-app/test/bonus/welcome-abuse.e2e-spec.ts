import { DomainError, PAYMENT_INTENT_SUCCEEDED, type PaymentIntentEventV1 } from '@casino/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WelcomeClaims } from '../../src/modules/bonus/abuse/welcome-claims';
import { DepositMatchConsumer } from '../../src/modules/bonus/deposit-match/deposit-match.consumer';
import { newPlayer, startGameTestApp } from '../game/support/game-test-app';
import { signInAsStaff, uniqueEmail } from '../support/sign-in';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { expectInvariants, walletKit } from '../wallet-test-kit';
import { bonusKit } from './bonus-test-kit';

/**
 * Abuse limits (docs/bonuses.md "Abuse limits"; shared/reference/bonuses.md "Eligibility"): one welcome bonus per
 * payment instrument and per device fingerprint when the deposit event carries them.
 */
describe('welcome bonus abuse limits (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let consumer: DepositMatchConsumer;
  let db: DataSource;
  let kit: ReturnType<typeof bonusKit>;

  beforeAll(async () => {
    environment = await createTestEnvironment('bonus-welcome-abuse', {
      ADMIN_EMAIL: adminEmail,
      OUTBOX_RELAY_ENABLED: 'false',
      BONUS_DEPOSIT_MATCH_CONSUMER_ENABLED: 'false',
      BONUS_CASHBACK_INTERVAL_SECONDS: '0',
    });
    ({ app } = await startGameTestApp(environment.config));
    consumer = app.get(DepositMatchConsumer);
    db = app.get(DataSource);
    kit = bonusKit(app, await signInAsStaff(app, adminEmail));
    await kit.template({
      kind: 'deposit_match',
      amount: undefined,
      matchPercent: 100,
      maxBonus: '5000',
      minDeposit: '1000',
    });
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  afterEach(async () => {
    await expectInvariants(walletKit(app));
  });

  function deposit(userId: string, keys: Pick<PaymentIntentEventV1, 'instrumentFingerprint' | 'deviceFingerprint'>) {
    const payload: PaymentIntentEventV1 = {
      intentId: randomUUID(),
      userId,
      kind: 'deposit',
      provider: 'sandbox',
      amount: '2000',
      currency: 'EUR',
      status: 'succeeded',
      previousStatus: 'processing',
      cause: 'webhook:payment_intent.succeeded',
      ...keys,
    };
    return {
      id: randomUUID(),
      type: PAYMENT_INTENT_SUCCEEDED,
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: payload.intentId,
      payload,
    };
  }

  async function welcomeOf(userId: string): Promise<string[]> {
    const rows = (await db.query(
      `SELECT amount::text AS amount FROM player_bonuses WHERE user_id = $1 AND grant_key LIKE 'deposit:%'`,
      [userId],
    )) as { amount: string }[];
    return rows.map((row) => row.amount);
  }

  it('grants one welcome bonus per payment instrument: a second account depositing with the same card gets none', async () => {
    const card = `card_fp_${randomUUID()}`;
    const first = await newPlayer(app, 'card-one', 2000n);
    const second = await newPlayer(app, 'card-two', 2000n);
    await consumer.handle(deposit(first.userId, { instrumentFingerprint: card }));
    await consumer.handle(deposit(second.userId, { instrumentFingerprint: card }));
    expect(await welcomeOf(first.userId)).toEqual(['2000']);
    expect(await welcomeOf(second.userId)).toEqual([]);
    // The refused grant moved no money: its ledger transaction rolled back with the claim.
    expect(await kit.balances(second.userId)).toEqual({ cash: 2000n, bonus: 0n });
    // Another card on the second account qualifies.
    await consumer.handle(deposit(second.userId, { instrumentFingerprint: `card_fp_${randomUUID()}` }));
    expect(await welcomeOf(second.userId)).toEqual(['2000']);
  });

  it('grants one welcome bonus per device fingerprint, also when two accounts deposit at once', async () => {
    const device = `device_${randomUUID()}`;
    const players = await Promise.all([newPlayer(app, 'dev-one', 2000n), newPlayer(app, 'dev-two', 2000n)]);
    await Promise.all(players.map((player) => consumer.handle(deposit(player.userId, { deviceFingerprint: device }))));
    const granted = await Promise.all(players.map((player) => welcomeOf(player.userId)));
    expect(granted.flat()).toEqual(['2000']);
  });

  it('refuses a claimed key with BONUS_NOT_GRANTABLE and a stable reason', async () => {
    const [bonus] = (await db.query(
      `SELECT c.player_bonus_id AS id, c.claim_value AS value FROM bonus_welcome_claims c WHERE claim_kind = 'device'
        LIMIT 1`,
    )) as { id: string; value: string }[];
    const claims = app.get(WelcomeClaims);
    const attempt = db.transaction((manager) =>
      claims.claimIn(manager, {
        userId: randomUUID(),
        playerBonusId: randomUUID(),
        keys: { deviceFingerprint: bonus?.value ?? '' },
      }),
    );
    await expect(attempt).rejects.toThrow(DomainError);
    await attempt.catch((error: DomainError) => {
      expect(error.code).toBe('BONUS_NOT_GRANTABLE');
      expect(error.details).toEqual({ reason: 'welcome_bonus_device_used' });
    });
  });
});
