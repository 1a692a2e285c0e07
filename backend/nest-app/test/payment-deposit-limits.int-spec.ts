import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PaymentIntentRepository } from '../src/modules/payment/intents/payment-intent.repository';
import { PaymentSettlement } from '../src/modules/payment/intents/payment-settlement';
import { PaymentDepositExpiry } from '../src/modules/payment/reconciliation/payment-deposit-expiry';
import { PaymentReconciliation } from '../src/modules/payment/reconciliation/payment-reconciliation.service';
import {
  actOnPaymentPage,
  EUR,
  balances,
  create,
  newPlayer,
  startPaymentSuite,
  type PaymentSuite,
  type Player,
} from './payment-test-kit';

// Rules: ../shared/reference/responsible-gaming.md (UKGC RTS 12: once a deposit limit is reached, further deposits
// are blocked until the period resets; only gross deposits count) and payments.md (the intent life cycle).

describe('deposit limits hold against open, concurrent and unsettled deposits (integration)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];
  let dataSource: DataSource;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-deposit-limits');
    ({ app, sandbox } = suite);
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

  /** Nothing happened to the intent for longer than PAYMENT_DEPOSIT_OPEN_TTL_SECONDS (default 30 minutes). */
  async function leftOpenFor31Minutes(intentId: string): Promise<void> {
    await dataSource.query(`UPDATE payment_intents SET updated_at = now() - interval '31 minutes' WHERE id = $1`, [
      intentId,
    ]);
  }

  async function rgDeposits(userId: string): Promise<string> {
    const [row] = (await dataSource.query(
      `SELECT coalesce(sum(deposits), 0)::text AS deposits FROM rg_activity_daily WHERE user_id = $1`,
      [userId],
    )) as { deposits: string }[];
    return row?.deposits ?? '0';
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
    expect(await rgDeposits(player.userId)).toBe('6000');
    expect((await create(app, player, 'deposits', EUR('5000'))).statusCode).toBe(422);
    expect((await create(app, player, 'deposits', EUR('4000'))).statusCode).toBe(201);
  });

  it('an open intent left longer than the TTL is canceled at the provider and here, and no longer counts', async () => {
    const player = await playerWithDailyLimit('10000');
    const abandoned = (await create(app, player, 'deposits', EUR('6000'))).json<{ id: string }>().id;
    const fresh = (await create(app, player, 'deposits', EUR('3000'))).json<{ id: string }>().id;
    await leftOpenFor31Minutes(abandoned);
    expect((await create(app, player, 'deposits', EUR('1001'))).statusCode).toBe(422);

    // The PSP's cancel webhook is held until the expiry has recorded its own end (else the two race for it).
    sandbox.psp.webhooks.hold();
    let report: Awaited<ReturnType<PaymentDepositExpiry['expireAbandoned']>>;
    try {
      report = await app.get(PaymentDepositExpiry).expireAbandoned();
    } finally {
      sandbox.psp.webhooks.release();
      await sandbox.psp.webhooks.idle();
    }
    expect(report.canceled).toContain(abandoned);
    expect(report.canceled).not.toContain(fresh);
    const intents = app.get(PaymentIntentRepository);
    const canceled = await intents.findById(abandoned);
    expect(canceled?.status).toBe('canceled');
    expect(sandbox.psp.store.intents.get(canceled?.providerReference ?? '')?.status).toBe('canceled');
    expect((await intents.transitionsOf(abandoned)).at(-1)).toMatchObject({
      fromStatus: 'requires_payment_method',
      toStatus: 'canceled',
      cause: 'expired',
    });
    expect((await intents.findById(fresh))?.status).toBe('requires_payment_method');
    // 3000 still open + 7000 = the limit.
    expect((await create(app, player, 'deposits', EUR('7000'))).statusCode).toBe(201);
  });

  it('an expired intent the player paid while the webhook was lost follows the provider: succeeded, credited once', async () => {
    const player = await playerWithDailyLimit('10000');
    const created = await create(app, player, 'deposits', EUR('6000'));
    const { id, nextAction } = created.json<{ id: string; nextAction: { url: string } }>();
    const address = app.getHttpServer().address() as { port: number };
    sandbox.psp.webhooks.setWebhookUrl('http://127.0.0.1:9/lost');
    try {
      await actOnPaymentPage(nextAction.url, 'approve');
      await leftOpenFor31Minutes(id);
      // The reconciliation sweep runs the expiry too.
      await app.get(PaymentReconciliation).run({ graceSeconds: 0 });
    } finally {
      sandbox.psp.webhooks.setWebhookUrl(`http://127.0.0.1:${address.port}/api/v1/payments/webhooks/sandbox`);
    }
    const intents = app.get(PaymentIntentRepository);
    const paid = await intents.findById(id);
    expect(paid).toMatchObject({ status: 'succeeded' });
    expect(paid?.settledAt).not.toBeNull();
    expect((await intents.transitionsOf(id)).at(-1)).toMatchObject({
      fromStatus: 'requires_payment_method',
      toStatus: 'succeeded',
      cause: 'provider_status',
    });
    // The lost webhooks arrive late and change nothing: one credit, one RG record.
    await sandbox.psp.webhooks.idle();
    expect((await balances(app, player.userId)).cash).toBe(6000n);
    expect(await rgDeposits(player.userId)).toBe('6000');
    expect((await create(app, player, 'deposits', EUR('4001'))).statusCode).toBe(422);
    expect((await create(app, player, 'deposits', EUR('4000'))).statusCode).toBe(201);
  });
});
