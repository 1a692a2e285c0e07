import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PaymentSettlement } from '../src/modules/payment/intents/payment-settlement';
import { create, newPlayer, startPaymentSuite, type PaymentSuite, type Player } from './payment-test-kit';

// Rules: ../shared/reference/responsible-gaming.md (UKGC RTS 12: once a deposit limit is reached, further deposits
// are blocked until the period resets; only gross deposits count) and payments.md (the intent life cycle).
const EUR = (amount: string) => ({ amount, currency: 'EUR', provider: 'sandbox' });

describe('deposit limits hold against open, concurrent and unsettled deposits (integration)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let dataSource: DataSource;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-deposit-limits');
    ({ app } = suite);
    dataSource = app.get(DataSource);
  });

  afterAll(() => suite?.close());

  /** A player with a daily deposit limit of `minor` (a first limit applies at once: RTS 12, a decrease). */
  async function playerWithDailyLimit(minor: string): Promise<Player> {
    const player = await newPlayer(app);
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/users/me/responsible-gaming',
      headers: player.headers,
      payload: { depositDay: minor, reason: 'budget' },
    });
    expect(response.statusCode).toBe(200);
    return player;
  }

  async function depositsOf(userId: string): Promise<{ id: string; amount: string; status: string }[]> {
    return (await dataSource.query(
      `SELECT id, amount::text AS amount, status FROM payment_intents WHERE user_id = $1 AND kind = 'deposit' ORDER BY created_at`,
      [userId],
    )) as { id: string; amount: string; status: string }[];
  }

  it('an open intent the player has not paid yet counts: 60.00 open, 50.00 more is refused and creates nothing', async () => {
    const player = await playerWithDailyLimit('10000');
    const open = await create(app, player, 'deposits', EUR('6000'));
    expect(open.statusCode).toBe(201);
    expect(open.json<{ status: string }>().status).toBe('requires_payment_method');

    const over = await create(app, player, 'deposits', EUR('5000'));
    expect(over.statusCode).toBe(422);
    expect(over.json().error).toMatchObject({
      code: 'RG_DEPOSIT_LIMIT_REACHED',
      details: { period: 'day', limit: '10000', used: '6000', remaining: '4000', currency: 'EUR' },
    });
    expect(await depositsOf(player.userId)).toEqual([
      { id: open.json<{ id: string }>().id, amount: '6000', status: 'requires_payment_method' },
    ]);
    expect((await create(app, player, 'deposits', EUR('4000'))).statusCode).toBe(201);
  });

  it('eight concurrent deposits of 30.00 under a 100.00 limit: exactly three accepted, the rest refused', async () => {
    const player = await playerWithDailyLimit('10000');
    const responses = await Promise.all(Array.from({ length: 8 }, () => create(app, player, 'deposits', EUR('3000'))));
    const accepted = responses.filter((response) => response.statusCode === 201);
    const refused = responses.filter((response) => response.statusCode !== 201);
    expect({ accepted: accepted.length, refused: refused.length }).toEqual({ accepted: 3, refused: 5 });
    for (const response of refused) expect(response.json().error.code).toBe('RG_DEPOSIT_LIMIT_REACHED');
    const stored = await depositsOf(player.userId);
    expect(stored).toHaveLength(3);
    expect(stored.reduce((sum, intent) => sum + BigInt(intent.amount), 0n)).toBeLessThanOrEqual(10000n);
  });

  it('a succeeded deposit not settled yet (no wallet credit, no RG record) still counts, and once settled counts once', async () => {
    const player = await playerWithDailyLimit('10000');
    const paid = await create(app, player, 'deposits', EUR('6000'));
    const id = paid.json<{ id: string }>().id;
    // The webhook's transition committed; the settlement after it did not run yet (a crash, the wallet down).
    await dataSource.query(`UPDATE payment_intents SET status = 'succeeded', next_action = NULL WHERE id = $1`, [id]);
    const refused = await create(app, player, 'deposits', EUR('5000'));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'RG_DEPOSIT_LIMIT_REACHED', details: { used: '6000' } });

    await app.get(PaymentSettlement).settle(id);
    const [counters] = (await dataSource.query(
      `SELECT coalesce(sum(deposits), 0)::text AS deposits FROM rg_activity_daily WHERE user_id = $1`,
      [player.userId],
    )) as { deposits: string }[];
    expect(counters?.deposits).toBe('6000');
    expect((await create(app, player, 'deposits', EUR('5000'))).statusCode).toBe(422);
    expect((await create(app, player, 'deposits', EUR('4000'))).statusCode).toBe(201);
  });
});
