import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signInAsStaff } from '../support/sign-in';
import { create, EUR, newPlayer, startPaymentSuite, verifyKyc, type PaymentSuite } from '../payment-test-kit';
import { expectInvariants, walletKit } from '../wallet-test-kit';
import { bonusKit } from './bonus-test-kit';

/**
 * A withdrawal while a bonus is active (issue 21, docs/bonuses.md "Withdrawal while a bonus is live"): the API says
 * so first (409 BONUS_FORFEIT_CONFIRMATION_REQUIRED, the bonus in details, nothing moved), and forfeits the bonus only
 * when the player confirms. Facts: shared/reference/bonuses.md (CMA: leave at any time, keep deposit and winnings).
 */
describe('withdrawal while a bonus is live (e2e)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let kit: ReturnType<typeof bonusKit>;
  let templateId: string;

  beforeAll(async () => {
    suite = await startPaymentSuite('bonus-withdrawal', { BONUS_SWEEP_INTERVAL_SECONDS: '0' });
    app = suite.app;
    kit = bonusKit(app, await signInAsStaff(app, suite.environment.config.ADMIN_EMAIL));
    templateId = await kit.template({ amount: '1000', wageringMultiplier: 2, maxConversion: '600' });
  });

  afterAll(() => suite?.close());

  afterEach(async () => {
    await expectInvariants(walletKit(app));
  });

  async function bonusOf(userId: string) {
    const granted = await kit.grant(templateId, userId);
    expect(granted.statusCode).toBe(201);
    return granted.json<{ id: string }>().id;
  }

  async function intents(userId: string): Promise<number> {
    const [row] = (await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM payment_intents WHERE user_id = $1`, [userId])) as { n: number }[];
    return row?.n ?? 0;
  }

  it('asks first, moving nothing; forfeits the bonus only when the player confirms (same Idempotency-Key)', async () => {
    const player = await newPlayer(app, 5000n);
    await verifyKyc(app, player.userId);
    const bonusId = await bonusOf(player.userId);
    const key = randomUUID();
    const asked = await create(app, player, 'withdrawals', EUR('2000'), key);
    expect(asked.statusCode).toBe(409);
    expect(asked.json()).toMatchObject({
      error: {
        code: 'BONUS_FORFEIT_CONFIRMATION_REQUIRED',
        details: { bonus: { id: bonusId, amount: '1000', bonusBalance: '1000', wageringRequired: '2000' } },
      },
    });
    expect(await kit.balances(player.userId)).toEqual({ cash: 5000n, bonus: 1000n });
    expect(await intents(player.userId)).toBe(0);
    expect(await kit.transitions(bonusId)).toEqual(['->offered:staff_grant', 'offered>active:staff_grant']);

    const confirmed = await create(app, player, 'withdrawals', { ...EUR('2000'), forfeitActiveBonus: true }, key);
    expect(confirmed.statusCode).toBe(201);
    expect(await kit.transitions(bonusId)).toEqual([
      '->offered:staff_grant',
      'offered>active:staff_grant',
      'active>forfeited:player_forfeit',
    ]);
    expect(await kit.balances(player.userId)).toEqual({ cash: 3000n, bonus: 0n });
    // A retry of the confirmed request answers the same withdrawal.
    const retry = await create(app, player, 'withdrawals', { ...EUR('2000'), forfeitActiveBonus: true }, key);
    expect(retry.json<{ id: string }>().id).toBe(confirmed.json<{ id: string }>().id);
    expect(await intents(player.userId)).toBe(1);
  });

  it('a confirmed withdrawal the cash cannot cover is refused and leaves the bonus active', async () => {
    const player = await newPlayer(app, 5000n);
    await verifyKyc(app, player.userId);
    const bonusId = await bonusOf(player.userId);
    const response = await create(app, player, 'withdrawals', { ...EUR('6000'), forfeitActiveBonus: true });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: { code: 'INSUFFICIENT_FUNDS' } });
    expect(await kit.transitions(bonusId)).toEqual(['->offered:staff_grant', 'offered>active:staff_grant']);
    expect(await kit.balances(player.userId)).toEqual({ cash: 5000n, bonus: 1000n });
  });

  it('a bonus whose wagering is complete is converted first, without asking', async () => {
    const player = await newPlayer(app, 5000n);
    await verifyKyc(app, player.userId);
    const bonusId = await bonusOf(player.userId);
    await app
      .get(DataSource)
      .query(
        `UPDATE player_bonuses SET status = 'wagering_complete', wagering_done = wagering_required WHERE id = $1`,
        [bonusId],
      );
    const response = await create(app, player, 'withdrawals', EUR('5600'));
    expect(response.statusCode).toBe(201);
    expect(await kit.transitions(bonusId)).toContain('wagering_complete>converted:conversion');
    expect(await kit.balances(player.userId)).toEqual({ cash: 0n, bonus: 0n });
  });

  it('refuses a malformed confirmation with 400 and moves nothing', async () => {
    const player = await newPlayer(app, 5000n);
    await verifyKyc(app, player.userId);
    await bonusOf(player.userId);
    const response = await create(app, player, 'withdrawals', { ...EUR('2000'), forfeitActiveBonus: 'yes' });
    expect(response.statusCode).toBe(400);
    expect(await kit.balances(player.userId)).toEqual({ cash: 5000n, bonus: 1000n });
  });
});
