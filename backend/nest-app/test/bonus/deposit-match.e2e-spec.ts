import { PAYMENT_INTENT_SUCCEEDED, type DomainEventEnvelope, type PaymentIntentEventV1 } from '@casino/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DepositMatchConsumer } from '../../src/modules/bonus/deposit-match/deposit-match.consumer';
import { signInAsStaff, uniqueEmail } from '../support/sign-in';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { newPlayer, startGameTestApp } from '../game/support/game-test-app';
import { expectInvariants, walletKit } from '../wallet-test-kit';
import { bonusKit } from './bonus-test-kit';

/**
 * Deposit match from `payment.intent.succeeded` (docs/bonuses.md "Deposit match"): exactly once per payment under
 * redelivery, one welcome bonus per player when two deposits race (shared/reference/bonuses.md "Eligibility").
 * The consumer's handler is called as JetStream would deliver the event (twice for a redelivery).
 */
describe('deposit match (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let consumer: DepositMatchConsumer;
  let kit: ReturnType<typeof bonusKit>;

  beforeAll(async () => {
    environment = await createTestEnvironment('bonus-deposit-match', {
      ADMIN_EMAIL: adminEmail,
      OUTBOX_RELAY_ENABLED: 'false',
      BONUS_DEPOSIT_MATCH_CONSUMER_ENABLED: 'false',
    });
    ({ app } = await startGameTestApp(environment.config));
    consumer = app.get(DepositMatchConsumer);
    kit = bonusKit(app, await signInAsStaff(app, adminEmail));
    // 100 % up to €50 from €10, in GBP too so that the EUR one is chosen by currency.
    const match = { kind: 'deposit_match', amount: undefined, matchPercent: 100, maxBonus: '5000', minDeposit: '1000' };
    await kit.template({ ...match, currency: 'GBP' });
    await kit.template(match);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  afterEach(async () => {
    await expectInvariants(walletKit(app));
  });

  function succeeded(userId: string, amount: bigint, kind: 'deposit' | 'withdrawal' = 'deposit') {
    const payload: PaymentIntentEventV1 = {
      intentId: randomUUID(),
      userId,
      kind,
      provider: 'sandbox',
      amount: amount.toString(),
      currency: 'EUR',
      status: 'succeeded',
      previousStatus: 'processing',
      cause: 'webhook:payment_intent.succeeded',
    } as PaymentIntentEventV1;
    const event: DomainEventEnvelope<string, PaymentIntentEventV1> = {
      id: randomUUID(),
      type: PAYMENT_INTENT_SUCCEEDED,
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: payload.intentId,
      payload,
    };
    return event;
  }

  async function bonusesOf(userId: string): Promise<{ amount: string; status: string; grant_key: string }[]> {
    return (await app
      .get(DataSource)
      .query(`SELECT amount::text, status, grant_key FROM player_bonuses WHERE user_id = $1`, [userId])) as {
      amount: string;
      status: string;
      grant_key: string;
    }[];
  }

  it('grants once per payment however often the event is delivered, capped at the maximum bonus', async () => {
    const player = await newPlayer(app, 'match', 8000n);
    const event = succeeded(player.userId, 8000n);
    await consumer.handle(event);
    await Promise.all([consumer.handle(event), consumer.handle(event)]);
    expect(await bonusesOf(player.userId)).toEqual([
      { amount: '5000', status: 'active', grant_key: `deposit:${event.payload.intentId}` },
    ]);
    expect(await kit.balances(player.userId)).toEqual({ cash: 8000n, bonus: 5000n });
  });

  it('gives one welcome bonus when two deposits race, and none for a deposit under the minimum or a withdrawal', async () => {
    const player = await newPlayer(app, 'race', 0n);
    await Promise.all([
      consumer.handle(succeeded(player.userId, 2000n)),
      consumer.handle(succeeded(player.userId, 3000n)),
    ]);
    const granted = await bonusesOf(player.userId);
    expect(granted).toHaveLength(1);
    expect(['2000', '3000']).toContain(granted[0]?.amount);
    expect((await kit.balances(player.userId)).bonus).toBe(BigInt(granted[0]?.amount ?? '0'));

    const small = await newPlayer(app, 'small', 0n);
    await consumer.handle(succeeded(small.userId, 999n));
    await consumer.handle(succeeded(small.userId, 5000n, 'withdrawal'));
    expect(await bonusesOf(small.userId)).toEqual([]);
  });
});
