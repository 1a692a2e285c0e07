import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  balances,
  create,
  newPlayer,
  verifyKyc,
  waitForBalance,
  waitForStatus,
  startPaymentSuite,
  type PaymentSuite,
  type Player,
} from './payment-test-kit';
import { DataSource } from 'typeorm';
import { requestHash } from '../src/modules/payment/idempotency/payment-idempotency';
import { bearer, signInAsStaff } from './support/sign-in';

// Rules: ../shared/reference/payments.md (life cycle, idempotency) and responsible-gaming.md (deposit limits, KYC, AML).
const EUR = (amount: string, provider = 'sandbox') => ({ amount, currency: 'EUR', provider });

describe('payments end to end with the sandbox PSP', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-sandbox', {
      WITHDRAWAL_APPROVAL_THRESHOLD: '50000',
      AML_KYC_THRESHOLD_EUR: '20000',
    });
    ({ app, sandbox } = suite);
  });

  afterAll(() => suite?.close());

  /** What a browser does on the hosted page: open it, then post one of its forms. */
  async function pay(url: string, action: string, form = ''): Promise<void> {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`${new URL(url).pathname}/${action.split('?')[0]}`);
    const submitted = await fetch(`${url}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(submitted.status).toBe(200);
  }

  async function deposit(player: Player, amount: string): Promise<{ id: string; url: string }> {
    const response = await create(app, player, 'deposits', EUR(amount));
    expect(response.statusCode).toBe(201);
    const body = response.json<{ id: string; status: string; nextAction: { type: string; url: string } }>();
    expect(body.status).toBe('requires_payment_method');
    expect(body.nextAction.type).toBe('redirect');
    return { id: body.id, url: body.nextAction.url };
  }

  it('deposits through the hosted page: approve, signed webhook, balance credited', async () => {
    const player = await newPlayer(app);
    const { id, url } = await deposit(player, '2500');
    await pay(url, 'approve');
    await waitForStatus(app, player, id, 'succeeded');
    await waitForBalance(app, player.userId, { cash: 2500n, available: 2500n });
  });

  it('3-D Secure with webhooks delivered twice and out of order: succeeded, credited once', async () => {
    const player = await newPlayer(app);
    const { id, url } = await deposit(player, '3000');
    await pay(url, 'challenge', 'duplicate=on');
    await waitForStatus(app, player, id, 'requires_action');
    const pass = await fetch(`${url}/challenge/pass`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'duplicate=on&out_of_order=on',
    });
    expect(pass.status).toBe(200);
    await waitForStatus(app, player, id, 'succeeded');
    await sandbox.psp.webhooks.idle();
    await waitForBalance(app, player.userId, { cash: 3000n });
  });

  it('refuses a deposit over the daily deposit limit, with when it resets', async () => {
    const player = await newPlayer(app);
    const limit = await app.inject({
      method: 'PUT',
      url: '/api/v1/users/me/responsible-gaming',
      headers: player.headers,
      payload: { depositDay: '5000', reason: 'budget' },
    });
    expect(limit.statusCode).toBe(200);
    const over = await create(app, player, 'deposits', EUR('5001'));
    expect(over.statusCode).toBe(422);
    expect(over.json().error.code).toBe('RG_DEPOSIT_LIMIT_REACHED');
    expect(JSON.stringify(over.json().error.details)).toMatch(/resetsAt/);
    const within = await create(app, player, 'deposits', EUR('5000'));
    expect(within.statusCode).toBe(201);
  });

  it('asks for verified KYC once cumulative deposits reach the AML threshold', async () => {
    const player = await newPlayer(app);
    const first = await deposit(player, '15000');
    await pay(first.url, 'approve');
    await waitForStatus(app, player, first.id, 'succeeded');
    const refused = await create(app, player, 'deposits', EUR('5000'));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'KYC_REQUIRED', details: { reason: 'aml_threshold' } });
    expect((await create(app, player, 'deposits', EUR('4999'))).statusCode).toBe(201);
    await verifyKyc(app, player.userId);
    expect((await create(app, player, 'deposits', EUR('5000'))).statusCode).toBe(201);
  });

  it('refuses a withdrawal without verified KYC and moves no money', async () => {
    const player = await newPlayer(app, 10000n);
    const response = await create(app, player, 'withdrawals', EUR('1000'));
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'KYC_REQUIRED', details: { reason: 'withdrawal' } });
    expect(await balances(app, player.userId)).toEqual({ cash: 10000n, held: 0n, available: 10000n });
  });

  it('a failed payout releases the hold and restores the available balance', async () => {
    const player = await newPlayer(app, 10000n);
    await verifyKyc(app, player.userId);
    const response = await create(app, player, 'withdrawals', EUR('4000'));
    expect(response.statusCode).toBe(201);
    const id = response.json<{ id: string; status: string }>().id;
    expect(response.json().status).toBe('processing');
    expect(await balances(app, player.userId)).toEqual({ cash: 6000n, held: 4000n, available: 6000n });
    const payout = [...sandbox.psp.store.payouts.values()].find((candidate) => candidate.metadata['intentId'] === id);
    expect(payout).toBeDefined();
    expect((await fetch(`${sandbox.url}/sandbox/payouts/${payout?.id}/failed`, { method: 'POST' })).status).toBe(200);
    const failed = await waitForStatus(app, player, id, 'failed');
    expect(failed['failureCode']).toBe('account_closed');
    await waitForBalance(app, player.userId, { cash: 10000n, held: 0n, available: 10000n });
  });

  it('a paid payout captures the hold; the player cannot withdraw more than is available', async () => {
    const player = await newPlayer(app, 10000n);
    await verifyKyc(app, player.userId);
    const id = (await create(app, player, 'withdrawals', EUR('7000'))).json<{ id: string }>().id;
    const tooMuch = await create(app, player, 'withdrawals', EUR('3001'));
    expect(tooMuch.json().error.code).toBe('INSUFFICIENT_FUNDS');
    const payout = [...sandbox.psp.store.payouts.values()].find((candidate) => candidate.metadata['intentId'] === id);
    await fetch(`${sandbox.url}/sandbox/payouts/${payout?.id}/paid`, { method: 'POST' });
    await waitForStatus(app, player, id, 'succeeded');
    await waitForBalance(app, player.userId, { cash: 3000n, held: 0n, available: 3000n });
  });

  it('a withdrawal above the threshold waits for finance; approval is audited and sends the payout', async () => {
    const player = await newPlayer(app, 100000n);
    await verifyKyc(app, player.userId);
    const response = await create(app, player, 'withdrawals', EUR('60000'));
    const body = response.json<{ id: string; status: string; nextAction: { type: string } }>();
    expect(body).toMatchObject({
      status: 'requires_action',
      nextAction: { type: 'staff_approval' },
      approvalRequired: true,
    });
    expect([...sandbox.psp.store.payouts.values()].some((payout) => payout.metadata['intentId'] === body.id)).toBe(
      false,
    );
    const decide = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/admin/payments/withdrawals/${body.id}/decision`,
        headers,
        payload: { decision: 'approve', reason: 'checked source of funds' },
      });
    expect((await decide(player.headers)).statusCode).toBe(403);
    const finance = await signInAsStaff(app, suite.environment.config.ADMIN_EMAIL, 'finance');
    const approved = await decide(bearer(finance.accessToken));
    expect(approved.statusCode).toBe(200);
    expect(approved.json().status).toBe('processing');
    expect([...sandbox.psp.store.payouts.values()].some((payout) => payout.metadata['intentId'] === body.id)).toBe(
      true,
    );
    const audit = (await app
      .get(DataSource)
      .query(`SELECT action, actor_id FROM audit_log WHERE target_id = $1`, [body.id])) as {
      action: string;
      actor_id: string;
    }[];
    expect(audit).toEqual([{ action: 'payment.withdrawal.approve', actor_id: finance.userId }]);
  });

  it('the player cancels a withdrawal waiting for approval: the hold is released; canceling twice is refused', async () => {
    const player = await newPlayer(app, 80000n);
    await verifyKyc(app, player.userId);
    const id = (await create(app, player, 'withdrawals', EUR('70000'))).json<{ id: string }>().id;
    expect(await balances(app, player.userId)).toMatchObject({ held: 70000n });
    const cancel = () => app.inject({ method: 'POST', url: `/api/v1/payments/${id}/cancel`, headers: player.headers });
    expect((await cancel()).json().status).toBe('canceled');
    expect(await balances(app, player.userId)).toEqual({ cash: 80000n, held: 0n, available: 80000n });
    const again = await cancel();
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PAYMENT_TRANSITION_NOT_ALLOWED');
  });

  it('Idempotency-Key: same key same result, other parameters refused, nothing stored on a validation failure, a request in flight 409', async () => {
    const player = await newPlayer(app);
    const invalid = await create(
      app,
      player,
      'deposits',
      { amount: '10.5', currency: 'EUR', provider: 'sandbox' },
      'key-1',
    );
    expect(invalid.statusCode).toBe(400);
    const first = await create(app, player, 'deposits', EUR('1000'), 'key-1');
    expect(first.statusCode).toBe(201);
    const again = await create(app, player, 'deposits', EUR('1000'), 'key-1');
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const other = await create(app, player, 'deposits', EUR('1001'), 'key-1');
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await create(app, player, 'withdrawals', EUR('1000'), 'key-1')).json().error.code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/payments/deposits',
      headers: player.headers,
      payload: EUR('1000'),
    });
    expect(missing.statusCode).toBe(400);

    const [racerA, racerB] = await Promise.all([
      create(app, player, 'deposits', EUR('1200'), 'key-2'),
      create(app, player, 'deposits', EUR('1200'), 'key-2'),
    ]);
    const statuses = [racerA.statusCode, racerB.statusCode].sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    if (statuses[1] === 409)
      expect([racerA, racerB].find((r) => r.statusCode === 409)?.json().error.code).toBe(
        'IDEMPOTENCY_REQUEST_IN_PROGRESS',
      );
    // A first request still in flight (its lease not expired): the duplicate gets 409 and nothing is stored for it.
    await app
      .get(DataSource)
      .query(
        `INSERT INTO payment_idempotency_keys (user_id, key, request_hash, locked_until) VALUES ($1, 'key-3', $2, now() + interval '1 minute')`,
        [player.userId, requestHash({ operation: 'deposit', ...EUR('1300') })],
      );
    const inFlight = await create(app, player, 'deposits', EUR('1300'), 'key-3');
    expect(inFlight.statusCode).toBe(409);
    expect(inFlight.json().error.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
    const history = await app.inject({ method: 'GET', url: '/api/v1/payments?limit=100', headers: player.headers });
    const items = history.json<{ items: { amount: string }[] }>().items;
    expect(items.filter((item) => item.amount === '1200')).toHaveLength(1);
    expect(items.filter((item) => item.amount === '1300')).toHaveLength(0);
  });

  it("lists the player's own history newest first with a cursor", async () => {
    const player = await newPlayer(app);
    const ids: string[] = [];
    for (const amount of ['100', '200', '300'])
      ids.push((await create(app, player, 'deposits', EUR(amount))).json<{ id: string }>().id);
    const page1 = await app.inject({ method: 'GET', url: '/api/v1/payments?limit=2', headers: player.headers });
    const body1 = page1.json<{ items: { id: string }[]; nextCursor: string }>();
    expect(body1.items.map((item) => item.id)).toEqual([ids[2], ids[1]]);
    const page2 = await app.inject({
      method: 'GET',
      url: `/api/v1/payments?limit=2&cursor=${body1.nextCursor}`,
      headers: player.headers,
    });
    expect(page2.json()).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    const stranger = await newPlayer(app);
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/payments/${ids[0]}`, headers: stranger.headers })).statusCode,
    ).toBe(404);
  });
});
