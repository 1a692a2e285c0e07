import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PaymentIntentRepository } from '../src/modules/payment/intents/payment-intent.repository';
import type { PaymentProvider } from '../src/modules/payment/psp/payment-provider';
import { PaymentProviders } from '../src/modules/payment/psp/payment-providers';
import { PaymentDepositExpiry } from '../src/modules/payment/reconciliation/payment-deposit-expiry';
import { PaymentReconciliation } from '../src/modules/payment/reconciliation/payment-reconciliation.service';
import {
  EUR,
  balances,
  create,
  findPspPayment,
  newPlayer,
  pspPaymentOf,
  startPaymentSuite,
  waitForBalance,
  waitForStatus,
  type PaymentSuite,
  type Player,
} from './payment-test-kit';

// Rules: ../shared/reference/payments.md: the life cycle (cancel is allowed before `processing` or `succeeded`; an
// event that arrives late or twice must not move an intent backwards) and Stripe's idempotency keys (the first
// result, even a 500, is stored and replayed for the same key: after a 500 the caller cannot learn the outcome by
// retrying, only by looking the payment up).

interface IntentRow {
  id: string;
  status: string;
  provider_reference: string | null;
}

describe('payment outcomes the PSP leaves unknown or no longer knows (integration)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];
  let dataSource: DataSource;
  let intents: PaymentIntentRepository;
  let reconciliation: PaymentReconciliation;
  let expiry: PaymentDepositExpiry;

  beforeAll(async () => {
    // No in-process outbox relay: the only transactions in this suite's database are the ones under test.
    suite = await startPaymentSuite('payment-psp-outcomes', { OUTBOX_RELAY_ENABLED: 'false' });
    ({ app, sandbox } = suite);
    dataSource = app.get(DataSource);
    intents = app.get(PaymentIntentRepository);
    reconciliation = app.get(PaymentReconciliation);
    expiry = app.get(PaymentDepositExpiry);
  });

  afterAll(() => suite?.close());

  async function depositsOf(userId: string): Promise<IntentRow[]> {
    return (await dataSource.query(
      `SELECT id, status, provider_reference FROM payment_intents WHERE user_id = $1 AND kind = 'deposit' ORDER BY created_at`,
      [userId],
    )) as IntentRow[];
  }

  /** A deposit whose creation at the PSP answered `fault` (the sandbox's Stripe-style 500 or 400). */
  async function depositWithFault(
    player: Player,
    fault: 'error_after_create' | 'error_before_create' | 'refuse',
    amount = '2500',
  ): Promise<{ statusCode: number; error: { code: string; details?: Record<string, unknown> }; intent: IntentRow }> {
    const before = (await depositsOf(player.userId)).length;
    sandbox.psp.faults.failNextCreate(fault);
    const response = await create(app, player, 'deposits', EUR(amount));
    const rows = await depositsOf(player.userId);
    expect(rows).toHaveLength(before + 1);
    return {
      statusCode: response.statusCode,
      error: response.json<{ error: { code: string; details?: Record<string, unknown> } }>().error,
      intent: rows[rows.length - 1] as IntentRow,
    };
  }

  /** The payer paid at the PSP and its webhooks never arrived (changed in the PSP's store: no webhook is sent). */
  function paidAtPspWithWebhookLost(intentId: string): void {
    const payment = pspPaymentOf(sandbox, intentId);
    payment.status = 'succeeded';
    payment.next_action = null;
  }

  /** Nothing happened to the intent for longer than PAYMENT_DEPOSIT_OPEN_TTL_SECONDS (default 30 minutes). */
  async function leftOpenFor31Minutes(...intentIds: string[]): Promise<void> {
    await dataSource.query(
      `UPDATE payment_intents SET updated_at = now() - interval '31 minutes' WHERE id = ANY($1::uuid[])`,
      [intentIds],
    );
  }

  async function securityEvents(kind: string, intentId: string): Promise<Record<string, unknown>[]> {
    const rows = (await dataSource.query(
      `SELECT details FROM payment_security_events WHERE kind = $1 AND intent_id = $2 ORDER BY occurred_at`,
      [kind, intentId],
    )) as { details: Record<string, unknown> }[];
    return rows.map((row) => row.details);
  }

  async function creditsOf(intentIds: string[]): Promise<Record<string, number>> {
    const rows = (await dataSource.query(
      `SELECT metadata->>'paymentIntentId' AS intent_id, count(*)::int AS n FROM ledger_transactions
        WHERE idempotency_scope = 'payment' AND metadata->>'paymentIntentId' = ANY($1::text[]) GROUP BY 1`,
      [intentIds],
    )) as { intent_id: string; n: number }[];
    return Object.fromEntries(intentIds.map((id) => [id, rows.find((row) => row.intent_id === id)?.n ?? 0]));
  }

  describe('creating a deposit at the PSP', () => {
    it('a definite refusal (400) fails the intent at once', async () => {
      const player = await newPlayer(app);
      const refused = await depositWithFault(player, 'refuse');
      expect(refused.statusCode).toBe(422);
      expect(refused.error.code).toBe('PAYMENT_PROVIDER_REFUSED');
      expect(refused.intent.status).toBe('failed');
      expect((await intents.transitionsOf(refused.intent.id)).at(-1)).toMatchObject({
        toStatus: 'failed',
        cause: 'creation_failed',
      });
    });

    it('a 500 after the PSP created the payment leaves the intent open; reconciliation finds the payment by our intent id, and the payer can pay it', async () => {
      const player = await newPlayer(app);
      const unknown = await depositWithFault(player, 'error_after_create');
      expect(unknown.statusCode).toBe(503);
      expect(unknown.error).toMatchObject({
        code: 'PAYMENT_PROVIDER_UNAVAILABLE',
        details: { intentId: unknown.intent.id, outcome: 'unknown' },
      });
      // Not failed: the PSP has the payment, and whoever holds its page can pay it.
      expect(unknown.intent).toMatchObject({ status: 'requires_payment_method', provider_reference: null });
      const atPsp = findPspPayment(sandbox, unknown.intent.id);
      expect(atPsp?.status).toBe('requires_payment_method');
      expect(await securityEvents('payment.creation_outcome_unknown', unknown.intent.id)).toHaveLength(1);

      await reconciliation.run({ graceSeconds: 0 });
      const linked = await intents.findById(unknown.intent.id);
      expect(linked).toMatchObject({
        status: 'requires_payment_method',
        providerReference: atPsp?.id,
        nextAction: { type: 'redirect', url: `${sandbox.url}/pay/${atPsp?.id}` },
      });

      expect((await fetch(`${sandbox.url}/pay/${atPsp?.id}/approve`, { method: 'POST' })).status).toBe(200);
      await waitForStatus(app, player, unknown.intent.id, 'succeeded');
      await waitForBalance(app, player.userId, { cash: 2500n });
      expect(await creditsOf([unknown.intent.id])).toEqual({ [unknown.intent.id]: 1 });
    });

    it("a 500 after the PSP created the payment, which the payer then declined for good (webhook lost): reconciliation applies the PSP's record as its webhook would, failing the intent with the decline's reason", async () => {
      const player = await newPlayer(app);
      const unknown = await depositWithFault(player, 'error_after_create', '1900');
      const reference = findPspPayment(sandbox, unknown.intent.id)?.id;
      sandbox.psp.webhooks.hold();
      try {
        expect((await fetch(`${sandbox.url}/pay/${reference}/decline?hard=1`, { method: 'POST' })).status).toBe(200);
        await reconciliation.run({ graceSeconds: 0 });
        expect(await intents.findById(unknown.intent.id)).toMatchObject({
          status: 'failed',
          providerReference: reference,
          failureCode: 'stolen_card',
          failureMessage: 'Your card was declined.',
          nextAction: null,
          lastProviderEventAt: expect.any(Date),
        });
      } finally {
        // The late webhook then changes nothing.
        sandbox.psp.webhooks.release();
        await sandbox.psp.webhooks.idle();
      }

      const [transition] = (await dataSource.query(
        `SELECT from_status, to_status, cause, details FROM payment_intent_transitions
          WHERE intent_id = $1 ORDER BY id DESC LIMIT 1`,
        [unknown.intent.id],
      )) as Record<string, unknown>[];
      expect(transition).toEqual({
        from_status: 'requires_payment_method',
        to_status: 'failed',
        cause: 'provider_status',
        details: { during: 'creation_recovery', providerStatus: 'requires_payment_method' },
      });
      // A final decline is canceled at the PSP too, so the payment cannot be paid later; nothing is credited.
      expect(findPspPayment(sandbox, unknown.intent.id)?.status).toBe('canceled');
      expect(await creditsOf([unknown.intent.id])).toEqual({ [unknown.intent.id]: 0 });
    });

    it('a 500 before anything was created leaves the intent open (it still counts); after the TTL the expiry finds no payment at the PSP and cancels it here, recorded', async () => {
      const player = await newPlayer(app);
      const unknown = await depositWithFault(player, 'error_before_create');
      expect(unknown.statusCode).toBe(503);
      expect(unknown.intent).toMatchObject({ status: 'requires_payment_method', provider_reference: null });
      expect(findPspPayment(sandbox, unknown.intent.id)).toBeUndefined();

      // Reconciliation looks, finds nothing yet, and leaves it open: only the expiry gives up on it.
      await reconciliation.run({ graceSeconds: 0 });
      expect((await intents.findById(unknown.intent.id))?.status).toBe('requires_payment_method');

      await leftOpenFor31Minutes(unknown.intent.id);
      const report = await expiry.expireAbandoned();
      expect(report.canceled).toContain(unknown.intent.id);
      expect((await intents.transitionsOf(unknown.intent.id)).at(-1)).toMatchObject({
        fromStatus: 'requires_payment_method',
        toStatus: 'canceled',
        cause: 'expired',
      });
      expect(await securityEvents('payment.provider_record_missing', unknown.intent.id)).toEqual([
        expect.objectContaining({ reference: null, during: 'expiry' }),
      ]);
    });
  });

  describe('expiry of abandoned deposits', () => {
    it('a reference the PSP answers 404 for: canceled here with a security record, and not retried on the next run', async () => {
      const player = await newPlayer(app);
      const created = await create(app, player, 'deposits', EUR('1800'));
      const { id } = created.json<{ id: string }>();
      const reference = (await intents.findById(id))?.providerReference ?? '';
      expect(sandbox.psp.store.intents.delete(reference)).toBe(true);
      await leftOpenFor31Minutes(id);

      const report = await expiry.expireAbandoned();
      expect(report.canceled).toContain(id);
      expect(await intents.findById(id)).toMatchObject({ status: 'canceled', providerReference: reference });
      expect(await securityEvents('payment.provider_record_missing', id)).toEqual([
        expect.objectContaining({ reference, during: 'expiry' }),
      ]);

      const again = await expiry.expireAbandoned();
      expect([...again.canceled, ...again.followed]).not.toContain(id);
      expect(await securityEvents('payment.provider_record_missing', id)).toHaveLength(1);
    });

    it('an open deposit without a reference whose payment exists at the PSP is canceled there too', async () => {
      const player = await newPlayer(app);
      const unknown = await depositWithFault(player, 'error_after_create');
      await leftOpenFor31Minutes(unknown.intent.id);

      const report = await expiry.expireAbandoned();
      expect(report.canceled).toContain(unknown.intent.id);
      const atPsp = findPspPayment(sandbox, unknown.intent.id);
      expect(atPsp?.status).toBe('canceled');
      expect(await intents.findById(unknown.intent.id)).toMatchObject({
        status: 'canceled',
        providerReference: atPsp?.id,
      });
    });
  });

  describe("the player's cancel", () => {
    it('a reference the PSP answers 404 for: canceled here, recorded', async () => {
      const player = await newPlayer(app);
      const { id } = (await create(app, player, 'deposits', EUR('1700'))).json<{ id: string }>();
      const reference = (await intents.findById(id))?.providerReference ?? '';
      sandbox.psp.store.intents.delete(reference);
      const canceled = await app.inject({
        method: 'POST',
        url: `/api/v1/payments/${id}/cancel`,
        headers: player.headers,
      });
      expect(canceled.statusCode).toBe(200);
      expect(canceled.json()).toMatchObject({ id, status: 'canceled' });
      expect(await securityEvents('payment.provider_record_missing', id)).toEqual([
        expect.objectContaining({ reference, during: 'player_cancel' }),
      ]);
    });

    it('a deposit whose creation answer was lost is canceled at the PSP too, found by our intent id', async () => {
      const player = await newPlayer(app);
      const unknown = await depositWithFault(player, 'error_after_create');
      const canceled = await app.inject({
        method: 'POST',
        url: `/api/v1/payments/${unknown.intent.id}/cancel`,
        headers: player.headers,
      });
      expect(canceled.statusCode).toBe(200);
      const atPsp = findPspPayment(sandbox, unknown.intent.id);
      expect(atPsp?.status).toBe('canceled');
      expect(canceled.json()).toMatchObject({ status: 'canceled' });
      expect((await intents.findById(unknown.intent.id))?.providerReference).toBe(atPsp?.id);
    });
  });

  describe('reconciliation and expiry against the PSP', () => {
    it('two reconciliation runs and two expiry runs at once settle each deposit exactly once', async () => {
      const player = await newPlayer(app);
      const paidLater: string[] = [];
      for (const amount of ['1000', '1100', '1200']) {
        const response = await create(app, player, 'deposits', EUR(amount));
        paidLater.push(response.json<{ id: string }>().id);
      }
      const unknown: string[] = [];
      for (const amount of ['1300', '1400'])
        unknown.push((await depositWithFault(player, 'error_after_create', amount)).intent.id);
      const unsettled = (await create(app, player, 'deposits', EUR('1500'))).json<{ id: string }>().id;
      for (const id of [...paidLater, ...unknown]) paidAtPspWithWebhookLost(id);
      // The webhook's transition committed, the settlement after it did not run (a crash).
      await dataSource.query(`UPDATE payment_intents SET status = 'succeeded', next_action = NULL WHERE id = $1`, [
        unsettled,
      ]);
      paidAtPspWithWebhookLost(unsettled);
      const all = [...paidLater, ...unknown, unsettled];
      await leftOpenFor31Minutes(...all);

      const runs = await Promise.allSettled([
        reconciliation.run({ graceSeconds: 0 }),
        reconciliation.run({ graceSeconds: 0 }),
        expiry.expireAbandoned(),
        expiry.expireAbandoned(),
      ]);
      expect(runs.map((run) => run.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);

      expect((await depositsOf(player.userId)).map((row) => row.status)).toEqual(all.map(() => 'succeeded'));
      expect(await creditsOf(all)).toEqual(Object.fromEntries(all.map((id) => [id, 1])));
      expect((await balances(app, player.userId)).cash).toBe(1000n + 1100n + 1200n + 1300n + 1400n + 1500n);
      const [events] = (await dataSource.query(
        `SELECT count(*)::int AS n FROM outbox_events WHERE event_type = 'payment.intent.succeeded' AND aggregate_id = ANY($1::text[])`,
        [all],
      )) as { n: number }[];
      expect(events?.n).toBe(all.length - 1); // the one set to succeeded by hand above has no event
      for (const id of all) {
        const into = (await intents.transitionsOf(id)).filter((transition) => transition.toStatus === 'succeeded');
        expect(into.length).toBeLessThanOrEqual(1);
      }
    });

    it('no database transaction is open while the PSP is called (runs under their job locks)', async () => {
      const player = await newPlayer(app);
      const abandoned = (await create(app, player, 'deposits', EUR('1000'))).json<{ id: string }>().id;
      const paid = (await create(app, player, 'deposits', EUR('1100'))).json<{ id: string }>().id;
      const unknown = (await depositWithFault(player, 'error_after_create', '1200')).intent.id;
      paidAtPspWithWebhookLost(paid);
      await leftOpenFor31Minutes(abandoned, paid, unknown);
      // An old canceled deposit, outside the grace period, so that the comparison lists the PSP's record.
      await dataSource.query(
        `INSERT INTO payment_intents (id, user_id, kind, provider, amount, currency, status, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, 'deposit', 'sandbox', 900, 'EUR', 'canceled', now() - interval '1 hour', now() - interval '1 hour')`,
        [player.userId],
      );

      const providers = app.get(PaymentProviders);
      const real = providers.get('sandbox');
      const calls: string[] = [];
      const violations: string[] = [];
      providers.register(
        watched(real, async (method) => {
          calls.push(method);
          const [open] = (await dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
          )) as { n: number }[];
          if ((open?.n ?? 0) > 0) violations.push(`${method}: ${open?.n} transaction(s) open`);
        }),
      );
      // The cancel's webhook goes nowhere, so that no webhook's transaction runs while the PSP is called.
      sandbox.psp.webhooks.setWebhookUrl('http://127.0.0.1:9/lost');
      try {
        await expiry.runExclusive();
        await reconciliation.runExclusive();
      } finally {
        providers.register(real);
        const address = app.getHttpServer().address() as { port: number };
        sandbox.psp.webhooks.setWebhookUrl(`http://127.0.0.1:${address.port}/api/v1/payments/webhooks/sandbox`);
      }
      expect(calls).toEqual(
        expect.arrayContaining(['cancelPayment', 'retrievePayment', 'findPaymentsOfIntent', 'listPayments']),
      );
      expect(violations).toEqual([]);
      expect((await intents.findById(abandoned))?.status).toBe('canceled');
      expect((await intents.findById(paid))?.status).toBe('succeeded');
      expect((await intents.findById(unknown))?.status).toBe('canceled');
    });
  });
});

/** The provider, with `before` awaited ahead of every call to the PSP. */
function watched(real: PaymentProvider, before: (method: string) => Promise<void>): PaymentProvider {
  return new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'parseWebhook') return value;
      return async (...args: unknown[]) => {
        await before(String(property));
        return (value as (...parameters: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}
