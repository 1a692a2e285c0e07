import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { PaymentIntentRepository } from '../src/modules/payment/intents/payment-intent.repository';
import type { PaymentProvider } from '../src/modules/payment/psp/payment-provider';
import { PaymentProviders } from '../src/modules/payment/psp/payment-providers';
import { PaymentDepositExpiry } from '../src/modules/payment/reconciliation/payment-deposit-expiry';
import { PaymentReconciliation } from '../src/modules/payment/reconciliation/payment-reconciliation.service';
import {
  balances,
  create,
  EUR,
  newPlayer,
  openDeposit,
  paidWithWebhookLost,
  type PaymentSuite,
  type Player,
  pspPaymentOf,
  resetSandbox,
  startPaymentSuite,
  untouchedFor,
  verifyKyc,
} from './payment-test-kit';

// One outage breaker per reconciliation run: once the PSP is considered down, no later step of the run asks it.

describe('reconciliation during a PSP outage (integration, sandbox PSP)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];
  let dataSource: DataSource;
  let intents: PaymentIntentRepository;
  let reconciliation: PaymentReconciliation;
  let providers: PaymentProviders;
  let realSandbox: PaymentProvider;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-recon-outage', { OUTBOX_RELAY_ENABLED: 'false' });
    ({ app, sandbox } = suite);
    dataSource = app.get(DataSource);
    intents = app.get(PaymentIntentRepository);
    reconciliation = app.get(PaymentReconciliation);
    providers = app.get(PaymentProviders);
    realSandbox = providers.get('sandbox');
  });

  afterEach(() => resetSandbox(suite, realSandbox));

  afterAll(() => suite?.close());

  /** Created at the PSP, the answer lost (500), then paid there with no webhook: only a lookup by intent id finds it. */
  async function lostCreationPaid(player: Player, amount: string): Promise<string> {
    sandbox.psp.faults.failNextCreate('error_after_create');
    const response = await create(app, player, 'deposits', EUR(amount));
    expect(response.statusCode).toBe(503);
    const [row] = (await dataSource.query(
      `SELECT id FROM payment_intents WHERE user_id = $1 AND kind = 'deposit' ORDER BY created_at DESC LIMIT 1`,
      [player.userId],
    )) as { id: string }[];
    const id = row?.id ?? '';
    expect(await intents.findById(id)).toMatchObject({ providerReference: null });
    const payment = pspPaymentOf(sandbox, id);
    payment.status = 'succeeded';
    payment.next_action = null;
    return id;
  }

  /** A withdrawal whose payout could not be sent (the PSP is down): `processing`, no reference. */
  async function payoutNotSent(player: Player, amount: string): Promise<string> {
    const response = await create(app, player, 'withdrawals', EUR(amount));
    expect(response.json()).toMatchObject({ status: 'processing' });
    const id = response.json<{ id: string }>().id;
    expect(await intents.findById(id)).toMatchObject({ providerReference: null });
    return id;
  }

  function payoutsAtPsp(intentId: string): number {
    return [...sandbox.psp.store.payouts.values()].filter((payout) => payout.metadata['intentId'] === intentId).length;
  }

  async function creditsOf(intentIds: string[]): Promise<number[]> {
    const rows = (await dataSource.query(
      `SELECT metadata->>'paymentIntentId' AS intent_id, count(*)::int AS n FROM ledger_transactions
        WHERE idempotency_scope = 'payment' AND type = 'deposit' AND metadata->>'paymentIntentId' = ANY($1::text[])
        GROUP BY 1`,
      [intentIds],
    )) as { intent_id: string; n: number }[];
    return intentIds.map((id) => rows.find((row) => row.intent_id === id)?.n ?? 0);
  }

  async function statusesOf(ids: string[]): Promise<string[]> {
    return Promise.all(ids.map(async (id) => (await intents.findById(id))?.status ?? 'none'));
  }

  it('makes at most PAYMENT_PROVIDER_UNREACHABLE_LIMIT calls to a PSP that is down, whatever the step; the next run completes everything once', async () => {
    const limit = app.get(AppConfig).PAYMENT_PROVIDER_UNREACHABLE_LIMIT;
    const payer = await newPlayer(app);
    const abandoned = [];
    for (let index = 0; index < 3; index++) abandoned.push((await openDeposit(app, payer, String(300 + index))).id);
    const lost = [await lostCreationPaid(payer, '700'), await lostCreationPaid(payer, '701')];
    const paid = [];
    for (let index = 0; index < 3; index++) paid.push(await paidWithWebhookLost(suite, payer, String(500 + index)));
    const withdrawer = await newPlayer(app, 100_000n);
    await verifyKyc(app, withdrawer.userId);
    sandbox.psp.faults.setOutage(true);
    const payouts = [];
    try {
      for (let index = 0; index < 3; index++) payouts.push(await payoutNotSent(withdrawer, String(1000 + index)));
    } finally {
      sandbox.psp.faults.setOutage(false);
    }
    await untouchedFor(app, '31 minutes', abandoned);
    await untouchedFor(app, '10 minutes', [...lost, ...paid, ...payouts]);

    const calls: string[] = [];
    providers.register(countingCalls(realSandbox, calls));
    const warn = jest.spyOn(Logger.prototype, 'warn');
    sandbox.psp.faults.setOutage(true);
    let warnings: unknown[][];
    try {
      const down = await reconciliation.run();
      // The open deposits the PSP knows: those paid, and those abandoned, which the expiry could not cancel.
      const awaiting = [...abandoned, ...paid];
      expect(awaiting.map((id) => down.followed.find((followed) => followed.intentId === id)?.outcome)).toEqual(
        awaiting.map(() => 'skipped_outage'),
      );
      expect(down.mismatches).toContainEqual(
        expect.objectContaining({
          kind: 'psp_unreachable',
          provider: 'sandbox',
          details: expect.objectContaining({ skipped: 'outage' }),
        }),
      );
    } finally {
      sandbox.psp.faults.setOutage(false);
      warnings = [...warn.mock.calls];
      warn.mockRestore();
    }
    expect(calls.length).toBeLessThanOrEqual(limit);
    const outageWarnings = warnings.filter(([, message]) => /stopped following/.test(String(message)));
    expect(outageWarnings).toEqual([
      [expect.objectContaining({ provider: 'sandbox', unanswered: limit }), expect.any(String)],
    ]);
    // Nothing half-done: the expiries stay open, the payouts stay to be sent, nothing is credited.
    expect(await statusesOf(abandoned)).toEqual(abandoned.map(() => 'requires_payment_method'));
    expect(await statusesOf(payouts)).toEqual(payouts.map(() => 'processing'));
    expect(payouts.map(payoutsAtPsp)).toEqual(payouts.map(() => 0));
    expect(await balances(app, payer.userId)).toMatchObject({ cash: 0n });

    calls.length = 0;
    await reconciliation.run();
    await reconciliation.run();
    expect(await statusesOf(abandoned)).toEqual(abandoned.map(() => 'canceled'));
    expect(await statusesOf([...lost, ...paid])).toEqual([...lost, ...paid].map(() => 'succeeded'));
    expect(await creditsOf([...lost, ...paid])).toEqual([...lost, ...paid].map(() => 1));
    expect(await balances(app, payer.userId)).toMatchObject({ cash: 700n + 701n + 500n + 501n + 502n });
    expect(payouts.map(payoutsAtPsp)).toEqual(payouts.map(() => 1));
    for (const id of payouts) expect((await intents.findById(id))?.providerReference).toEqual(expect.any(String));
  });

  it('a standalone expiry run stops asking a PSP that is down after the limit, leaving the rest open for the next run', async () => {
    const limit = app.get(AppConfig).PAYMENT_PROVIDER_UNREACHABLE_LIMIT;
    const payer = await newPlayer(app);
    const abandoned = [];
    for (let index = 0; index < limit + 3; index++)
      abandoned.push((await openDeposit(app, payer, String(200 + index))).id);
    await untouchedFor(app, '31 minutes', abandoned);
    const calls: string[] = [];
    providers.register(countingCalls(realSandbox, calls));
    const expiry = app.get(PaymentDepositExpiry);

    sandbox.psp.faults.setOutage(true);
    try {
      expect(await expiry.expireAbandoned()).toEqual({ canceled: [], followed: [], leftOpen: [] });
    } finally {
      sandbox.psp.faults.setOutage(false);
    }
    expect(calls).toHaveLength(limit);
    expect(await statusesOf(abandoned)).toEqual(abandoned.map(() => 'requires_payment_method'));

    const next = await expiry.expireAbandoned();
    expect(next.canceled).toEqual(expect.arrayContaining(abandoned));
  });
});

/** The provider, with every call to it (answered or not) noted in `calls` by its method's name. */
function countingCalls(real: PaymentProvider, calls: string[]): PaymentProvider {
  return new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
