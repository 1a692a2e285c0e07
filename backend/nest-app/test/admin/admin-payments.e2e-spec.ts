import { eventually } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import {
  actOnPaymentPage,
  balances,
  create,
  EUR,
  newPlayer,
  openDeposit,
  pspPaymentOf,
  startPaymentSuite,
  verifyKyc,
  waitForBalance,
  waitForStatus,
  type PaymentSuite,
  type Player,
} from '../payment-test-kit';
import { bearer, signInAsStaff, type SignedIn } from '../support/sign-in';

interface ErrorBody {
  error: { code: string };
}

interface RefundBody {
  id: string;
  status: string;
  amount: string;
  walletTransactionId: string | null;
  providerReference: string | null;
  failureCode: string | null;
}

/** Payments for staff: list and approval queue, and refunds of captured deposits through the sandbox PSP's Stripe API. */
describe('admin: payments and refunds (e2e, ADR 0018)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let finance: SignedIn;
  let support: SignedIn;

  beforeAll(async () => {
    suite = await startPaymentSuite('admin-payments', { WITHDRAWAL_APPROVAL_THRESHOLD: '50000' });
    app = suite.app;
    finance = await signInAsStaff(app, suite.environment.config.ADMIN_EMAIL, 'finance');
    support = await signInAsStaff(app, suite.environment.config.ADMIN_EMAIL, 'support');
    // Two staff accounts enrol TOTP through MailDev: longer than Jest's 30 s on a loaded 2-core machine.
  }, 120_000);

  afterAll(() => suite?.close());

  /** A deposit paid at the PSP and credited to the wallet. */
  async function paidDeposit(player: Player, amount: string): Promise<string> {
    const { id, page } = await openDeposit(app, player, amount);
    await actOnPaymentPage(page, 'approve');
    await waitForStatus(app, player, id, 'succeeded');
    await waitForBalance(app, player.userId, { cash: BigInt(amount) });
    // The wallet movement commits first; the intent records it a moment later (PaymentSettlement).
    await eventually(async () => {
      const [row] = (await app
        .get(DataSource)
        .query(`SELECT wallet_transaction_id FROM payment_intents WHERE id = $1`, [id])) as {
        wallet_transaction_id: string | null;
      }[];
      return Boolean(row?.wallet_transaction_id);
    }, 10_000);
    return id;
  }

  function refund(id: string, who: SignedIn = finance, reason = 'player asked within the cooling-off period') {
    return app.inject({
      method: 'POST',
      url: `/api/v1/admin/payments/${id}/refund`,
      headers: bearer(who.accessToken),
      payload: { reason },
    });
  }

  function partialRefund(id: string, amount: string | undefined, key: string | undefined, who: SignedIn = finance) {
    return app.inject({
      method: 'POST',
      url: `/api/v1/admin/payments/${id}/refund`,
      headers: { ...bearer(who.accessToken), ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: { reason: 'part of the deposit, player asked', ...(amount === undefined ? {} : { amount }) },
    });
  }

  /** The PSP's refunds of a payment, in minor units. */
  function pspRefundAmountsOf(reference: string): number[] {
    return [...suite.sandbox.psp.store.refunds.values()]
      .filter((item) => item.payment_intent === reference)
      .map((item) => item.amount)
      .sort((a, b) => a - b);
  }

  async function refundCapturesOf(intentId: string): Promise<number> {
    const rows = (await app.get(DataSource).query(
      `SELECT count(*)::int AS count FROM ledger_transactions t JOIN payment_refunds r
          ON t.idempotency_key = r.id::text || ':capture'
        WHERE t.idempotency_scope = 'payment-refund' AND r.intent_id = $1`,
      [intentId],
    )) as { count: number }[];
    return rows[0]?.count ?? -1;
  }

  function pspRefundsOf(reference: string): number {
    return [...suite.sandbox.psp.store.refunds.values()].filter((item) => item.payment_intent === reference).length;
  }

  it('refunds a captured deposit through the PSP and debits the wallet once, however often it is asked', async () => {
    const player = await newPlayer(app);
    const id = await paidDeposit(player, '4000');
    const reference = pspPaymentOf(suite.sandbox, id).id;
    const answers = await Promise.all([refund(id), refund(id)]);
    const succeeded = answers.filter((answer) => answer.statusCode === 200).map((answer) => answer.json<RefundBody>());
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(succeeded[0]).toMatchObject({ status: 'succeeded', amount: '4000' });
    const again = await refund(id);
    expect(again.json<RefundBody>()).toEqual(succeeded[0]);
    expect(pspRefundsOf(reference)).toBe(1);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n, held: 0n });
    const captures = (await app.get(DataSource).query(
      `SELECT count(*)::int AS count FROM ledger_transactions WHERE idempotency_scope = 'payment-refund'
        AND idempotency_key LIKE '%:capture'`,
    )) as { count: number }[];
    expect(captures[0]?.count).toBeGreaterThanOrEqual(1);
    const audit = (await app
      .get(DataSource)
      .query(`SELECT action, actor_id, details FROM audit_log WHERE target_id = $1 AND action LIKE 'payment.refund%'`, [
        id,
      ])) as { action: string; actor_id: string; details: Record<string, unknown> }[];
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'payment.refund',
        actor_id: finance.userId,
        details: expect.objectContaining({ reason: 'player asked within the cooling-off period' }),
      }),
    ]);
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
  });

  it('refunds a deposit in parts, each once per Idempotency-Key, never more than was captured', async () => {
    const player = await newPlayer(app);
    const id = await paidDeposit(player, '4000');
    const reference = pspPaymentOf(suite.sandbox, id).id;
    const first = await partialRefund(id, '1500', 'part-1');
    expect([first.statusCode, first.json<RefundBody>()]).toEqual([
      200,
      expect.objectContaining({ status: 'succeeded', amount: '1500' }),
    ]);
    expect((await partialRefund(id, '1500', 'part-1')).json<RefundBody>()).toEqual(first.json<RefundBody>());
    expect((await partialRefund(id, '1400', 'part-1')).json<ErrorBody>().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n, held: 0n });

    const tooMuch = await partialRefund(id, '2501', 'part-2');
    expect([tooMuch.statusCode, tooMuch.json<{ error: { code: string; details: unknown } }>().error]).toEqual([
      422,
      {
        code: 'PAYMENT_REFUND_EXCEEDS_REMAINING',
        message: expect.any(String),
        details: { captured: '4000', refunded: '1500', remaining: '2500', requested: '2501' },
      },
    ]);
    // The whole deposit is no longer there to refund; the rest is.
    expect((await refund(id)).json<ErrorBody>().error.code).toBe('PAYMENT_REFUND_EXCEEDS_REMAINING');
    const rest = await partialRefund(id, undefined, 'the-rest');
    expect(rest.json<RefundBody>()).toMatchObject({ status: 'succeeded', amount: '2500' });
    expect((await partialRefund(id, '1', 'part-3')).statusCode).toBe(422);

    expect(pspRefundAmountsOf(reference)).toEqual([1500, 2500]);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n, held: 0n });
    expect(await refundCapturesOf(id)).toBe(2);
    const audits = (await app
      .get(DataSource)
      .query(
        `SELECT details FROM audit_log WHERE target_id = $1 AND action = 'payment.refund' ORDER BY occurred_at, id`,
        [id],
      )) as { details: { before: unknown; after: Record<string, unknown> } }[];
    expect(
      audits.map((audit) => [audit.details.before, audit.details.after['amount'], audit.details.after['remaining']]),
    ).toEqual([
      [{ refunded: '0', remaining: '4000' }, '1500', '2500'],
      [{ refunded: '1500', remaining: '2500' }, '2500', '0'],
    ]);
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
  });

  it('refuses a partial refund without an Idempotency-Key, or with an amount that is not positive minor units', async () => {
    const player = await newPlayer(app);
    const id = await paidDeposit(player, '1000');
    for (const [amount, key] of [
      ['500', undefined],
      ['0', 'k-zero'],
      ['-5', 'k-negative'],
      ['1.5', 'k-fraction'],
      ['5e2', 'k-exponent'],
    ] as const) {
      const answer = await partialRefund(id, amount, key);
      expect([amount, answer.statusCode, answer.json<ErrorBody>().error.code]).toEqual([
        amount,
        400,
        'VALIDATION_FAILED',
      ]);
    }
    expect(pspRefundsOf(pspPaymentOf(suite.sandbox, id).id)).toBe(0);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 1000n, held: 0n });
  });

  it('lets parallel partial refunds take no more than the captured amount, the wallet debited once per refund', async () => {
    const player = await newPlayer(app);
    const id = await paidDeposit(player, '3000');
    const reference = pspPaymentOf(suite.sandbox, id).id;
    // Winnings on top, so that the wallet could pay every refund: only the deposit's own limit may stop them.
    await app.get(WalletService).adjust({
      idempotency: { scope: 'test', key: `winnings-${player.userId}` },
      wallet: { userId: player.userId },
      currency: 'EUR',
      amount: 10_000n,
      balance: 'cash',
      reason: 'winnings',
      actor: { userId: finance.userId, roles: ['finance'] },
    });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_unused, index) => partialRefund(id, '1000', `parallel-${index}`)),
    );
    const outcomes = answers.map((answer) =>
      answer.statusCode === 200 ? answer.json<RefundBody>().status : answer.json<ErrorBody>().error.code,
    );
    expect(outcomes.filter((outcome) => outcome === 'succeeded')).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === 'PAYMENT_REFUND_EXCEEDS_REMAINING')).toHaveLength(7);
    // The same request sent five times at once is one refund.
    const other = await newPlayer(app);
    const second = await paidDeposit(other, '2000');
    const repeats = await Promise.all(Array.from({ length: 5 }, () => partialRefund(second, '700', 'same-key')));
    expect(new Set(repeats.map((answer) => answer.json<RefundBody>().id)).size).toBe(1);

    expect(pspRefundAmountsOf(reference)).toEqual([1000, 1000, 1000]);
    expect(pspRefundAmountsOf(pspPaymentOf(suite.sandbox, second).id)).toEqual([700]);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 10_000n, held: 0n });
    expect(await balances(app, other.userId)).toMatchObject({ cash: 1300n, held: 0n });
    expect([await refundCapturesOf(id), await refundCapturesOf(second)]).toEqual([3, 1]);
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
  });

  it('refuses a refund the player has already spent, asking nothing of the PSP and moving nothing', async () => {
    const player = await newPlayer(app);
    const id = await paidDeposit(player, '3000');
    await app.get(WalletService).placeBet({
      wallet: { userId: player.userId },
      currency: 'EUR',
      amount: 2000n,
      provider: 'test-games',
      idempotency: { scope: 'test', key: randomUUID() },
    });
    const answer = await refund(id);
    expect(answer.json<ErrorBody>().error.code).toBe('INSUFFICIENT_FUNDS');
    expect(pspRefundsOf(pspPaymentOf(suite.sandbox, id).id)).toBe(0);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 1000n, held: 0n });
  });

  it('releases the hold when the PSP refuses the refund', async () => {
    const player = await newPlayer(app);
    const id = await paidDeposit(player, '2500');
    const reference = pspPaymentOf(suite.sandbox, id).id;
    // Refunded at the PSP's dashboard already: Stripe answers charge_already_refunded.
    suite.sandbox.psp.store.refunds.set('re_dashboard', {
      id: 're_dashboard',
      object: 'refund',
      amount: 2500,
      currency: 'eur',
      payment_intent: reference,
      status: 'succeeded',
      metadata: {},
      created: Math.floor(Date.now() / 1000),
    });
    const answer = await refund(id);
    expect(answer.json<ErrorBody>().error.code).toBe('PAYMENT_PROVIDER_REFUSED');
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n, held: 0n });
    expect((await refund(id)).json<RefundBody>()).toMatchObject({
      status: 'failed',
      failureCode: 'PAYMENT_PROVIDER_REFUSED',
    });
  });

  it('refuses refunds of what is not a captured deposit, and to roles without the permission', async () => {
    const player = await newPlayer(app);
    const { id } = await openDeposit(app, player, '1500');
    expect((await refund(id)).json<ErrorBody>().error.code).toBe('PAYMENT_TRANSITION_NOT_ALLOWED');
    expect((await refund(randomUUID())).json<ErrorBody>().error.code).toBe('PAYMENT_NOT_FOUND');
    expect((await refund(id, support)).json<ErrorBody>().error.code).toBe('FORBIDDEN');
    expect((await refund(id, finance, '')).json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
  });

  it('lists payments with filters and keyset pages, and the withdrawals waiting for approval', async () => {
    const player = await newPlayer(app, 200_000n);
    await verifyKyc(app, player.userId);
    const small = await paidDeposit(await newPlayer(app), '1200');
    const waiting = await create(app, player, 'withdrawals', EUR('60000'));
    expect(waiting.json<{ status: string }>().status).toBe('requires_action');
    const withdrawalId = waiting.json<{ id: string }>().id;

    const list = (query: string) =>
      app
        .inject({ method: 'GET', url: `/api/v1/admin/payments?${query}`, headers: bearer(support.accessToken) })
        .then((response) => response.json<{ items: { id: string; type: string }[]; nextCursor: string | null }>());
    expect((await list(`userId=${player.userId}`)).items.map((item) => item.id)).toEqual([withdrawalId]);
    expect(
      (await list('type=deposit&status=succeeded&minAmount=1200&maxAmount=1200')).items.map((item) => item.id),
    ).toEqual([small]);
    const everything: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await list(
        `limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      everything.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(everything).size).toBe(everything.length);
    expect(everything).toEqual(expect.arrayContaining([small, withdrawalId]));

    const queue = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/payments/withdrawals/queue',
      headers: bearer(finance.accessToken),
    });
    expect(queue.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toEqual([withdrawalId]);
    const dashboard = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/dashboard',
      headers: bearer(finance.accessToken),
    });
    expect(dashboard.json<{ pendingApprovals: { withdrawals: number } }>().pendingApprovals.withdrawals).toBe(1);
  });
});
