import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { PaymentIntentRepository } from '../src/modules/payment/intents/payment-intent.repository';
import type { PaymentProvider } from '../src/modules/payment/psp/payment-provider';
import { PaymentProviders } from '../src/modules/payment/psp/payment-providers';
import {
  PaymentReconciliation,
  type ReconciliationReport,
} from '../src/modules/payment/reconciliation/payment-reconciliation.service';
import {
  actOnPaymentPage,
  balances,
  create,
  deliverSandboxWebhook,
  EUR,
  newPlayer,
  openDeposit,
  paidWithWebhookLost,
  type PaymentSuite,
  type Player,
  resetSandbox,
  startPaymentSuite,
  unreachableSandboxProvider,
  untouchedFor,
  verifyKyc,
} from './payment-test-kit';

// Webhooks get lost; reconciliation polls. Rules: ../shared/reference/payments.md (the life cycle; an event that
// arrives late or twice must not move an intent backwards). The sandbox PSP holds its webhooks on request (a lost or
// late delivery) and delivers them, signed, when released.

interface Snapshot {
  status: string;
  settled: boolean;
  updatedAt: string;
  transitions: number;
  ledger: number;
}

describe('reconciliation follows open intents whose webhook was lost (integration, sandbox PSP)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];
  let dataSource: DataSource;
  let intents: PaymentIntentRepository;
  let reconciliation: PaymentReconciliation;
  let providers: PaymentProviders;
  let realSandbox: PaymentProvider;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-recon-follow');
    ({ app, sandbox } = suite);
    dataSource = app.get(DataSource);
    intents = app.get(PaymentIntentRepository);
    reconciliation = app.get(PaymentReconciliation);
    providers = app.get(PaymentProviders);
    realSandbox = providers.get('sandbox');
  });

  afterEach(() => resetSandbox(suite, realSandbox));

  afterAll(() => suite?.close());

  /** A withdrawal whose payout the PSP settled with `outcome` while its webhook is held. */
  async function payoutSettledWithWebhookLost(player: Player, amount: string, outcome: string): Promise<string> {
    const created = await create(app, player, 'withdrawals', EUR(amount));
    expect(created.json()).toMatchObject({ status: 'processing' });
    const id = created.json<{ id: string }>().id;
    expect((await intents.findById(id))?.providerReference).toEqual(expect.any(String));
    const payout = [...sandbox.psp.store.payouts.values()].find((found) => found.metadata['intentId'] === id);
    sandbox.psp.webhooks.hold();
    expect((await fetch(`${sandbox.url}/sandbox/payouts/${payout?.id}/${outcome}`, { method: 'POST' })).status).toBe(
      200,
    );
    return id;
  }

  async function snapshot(id: string): Promise<Snapshot> {
    const [row] = (await dataSource.query(
      `SELECT status, settled_at IS NOT NULL AS settled, updated_at::text AS updated_at,
              (SELECT count(*)::int FROM payment_intent_transitions t WHERE t.intent_id = i.id) AS transitions,
              (SELECT count(*)::int FROM ledger_transactions l
                WHERE l.idempotency_scope = 'payment' AND l.metadata->>'paymentIntentId' = i.id::text) AS ledger
         FROM payment_intents i WHERE id = $1`,
      [id],
    )) as { status: string; settled: boolean; updated_at: string; transitions: number; ledger: number }[];
    if (!row) throw new Error(`no intent ${id}`);
    return {
      status: row.status,
      settled: row.settled,
      updatedAt: row.updated_at,
      transitions: row.transitions,
      ledger: row.ledger,
    };
  }

  async function ledgerRows(key: string): Promise<number> {
    const [row] = (await dataSource.query(
      `SELECT count(*)::int AS n FROM ledger_transactions WHERE idempotency_scope = 'payment' AND idempotency_key = $1`,
      [key],
    )) as { n: number }[];
    return row?.n ?? 0;
  }

  async function lastTransition(id: string): Promise<Record<string, unknown>> {
    const [row] = (await dataSource.query(
      `SELECT from_status, to_status, cause, details FROM payment_intent_transitions
        WHERE intent_id = $1 ORDER BY id DESC LIMIT 1`,
      [id],
    )) as Record<string, unknown>[];
    return row ?? {};
  }

  async function securityEventsOf(id: string): Promise<{ kind: string; details: Record<string, unknown> }[]> {
    return (await dataSource.query(
      `SELECT kind, details FROM payment_security_events WHERE intent_id = $1 ORDER BY id`,
      [id],
    )) as { kind: string; details: Record<string, unknown> }[];
  }

  async function rgDeposits(userId: string): Promise<string> {
    const [row] = (await dataSource.query(
      `SELECT coalesce(sum(deposits), 0)::text AS deposits FROM rg_activity_daily WHERE user_id = $1`,
      [userId],
    )) as { deposits: string }[];
    return row?.deposits ?? '0';
  }

  function outcomeOf(report: ReconciliationReport, id: string): string | undefined {
    return report.followed.find((followed) => followed.intentId === id)?.outcome;
  }

  function mismatchesOf(report: ReconciliationReport, id: string): string[] {
    return report.mismatches.filter((mismatch) => mismatch.intentId === id).map((mismatch) => mismatch.kind);
  }

  /** `payment_reconciliation_follows_total` with this outcome, summed over providers and kinds, from GET /metrics. */
  async function followsCounted(outcome: string): Promise<number> {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    return text
      .split('\n')
      .filter(
        (line) => line.startsWith('payment_reconciliation_follows_total{') && line.includes(`outcome="${outcome}"`),
      )
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  }

  it('credits a deposit the PSP completed whose webhook never came, once; a second run and the late webhook change nothing', async () => {
    const player = await newPlayer(app);
    const id = await paidWithWebhookLost(suite, player, '2500');
    await untouchedFor(app, '10 minutes', [id]);
    const appliedBefore = await followsCounted('applied');

    const first = await reconciliation.run();
    expect(await snapshot(id)).toMatchObject({ status: 'succeeded', settled: true, ledger: 1 });
    expect(await lastTransition(id)).toEqual({
      from_status: 'requires_payment_method',
      to_status: 'succeeded',
      cause: 'provider_status',
      details: { during: 'reconciliation_follow', providerStatus: 'succeeded' },
    });
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n });
    expect(await ledgerRows(`deposit:${id}`)).toBe(1);
    expect(mismatchesOf(first, id)).toEqual([]);
    expect(outcomeOf(first, id)).toBe('applied');
    expect(await followsCounted('applied')).toBe(appliedBefore + 1);
    const settled = await snapshot(id);

    const second = await reconciliation.run();
    expect(await snapshot(id)).toEqual(settled);
    expect(mismatchesOf(second, id)).toEqual([]);
    expect(outcomeOf(second, id)).toBeUndefined();

    sandbox.psp.webhooks.release();
    await sandbox.psp.webhooks.idle();
    const delivered = sandbox.psp.webhooks.deliveries.filter((delivery) => delivery.type.startsWith('payment_intent'));
    expect(delivered.slice(-2).map((delivery) => delivery.status)).toEqual([200, 200]);
    expect(await snapshot(id)).toEqual(settled);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n });
    expect(await rgDeposits(player.userId)).toBe('2500');
    expect(await securityEventsOf(id)).toEqual([]);
  });

  it.each([
    ['while the follow applies what it read', false],
    ["between the follow's read and its apply", true],
  ])('credits once when the webhook is delivered %s', async (_when, awaitDelivery) => {
    const player = await newPlayer(app);
    const id = await paidWithWebhookLost(suite, player, '1800');
    await untouchedFor(app, '10 minutes', [id]);
    const reference = (await intents.findById(id))?.providerReference;
    let read!: () => void;
    const readByFollow = new Promise<void>((resolve) => (read = resolve));
    providers.register(
      afterRetrieve(realSandbox, async (retrieved) => {
        if (retrieved !== reference) return;
        sandbox.psp.webhooks.release();
        read();
        if (awaitDelivery) await sandbox.psp.webhooks.idle();
      }),
    );
    const webhookDelivered = (async () => {
      await withTimeout(readByFollow, 15_000, 'reconciliation never read the payment at the PSP');
      await sandbox.psp.webhooks.idle();
    })();

    const [report] = await Promise.all([reconciliation.run(), webhookDelivered]);
    expect(await snapshot(id)).toMatchObject({ status: 'succeeded', settled: true, ledger: 1 });
    expect(await ledgerRows(`deposit:${id}`)).toBe(1);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 1800n });
    expect(await rgDeposits(player.userId)).toBe('1800');
    const succeeded = (await intents.transitionsOf(id)).filter((transition) => transition.toStatus === 'succeeded');
    expect(succeeded).toHaveLength(1);
    // Delivered and applied before the follow's apply: the follow then finds the intent succeeded and changes nothing.
    expect(outcomeOf(report, id)).toEqual(awaitDelivery ? 'unchanged' : expect.stringMatching(/^(applied|unchanged)$/));
  });

  it('captures the hold of a withdrawal whose payout the PSP paid, and releases one whose payout failed, once each', async () => {
    const paidPlayer = await newPlayer(app, 10000n);
    const failedPlayer = await newPlayer(app, 10000n);
    await verifyKyc(app, paidPlayer.userId);
    await verifyKyc(app, failedPlayer.userId);
    const paid = await payoutSettledWithWebhookLost(paidPlayer, '4000', 'paid');
    const failed = await payoutSettledWithWebhookLost(failedPlayer, '3000', 'failed');
    expect(await balances(app, paidPlayer.userId)).toEqual({ cash: 6000n, held: 4000n, available: 6000n });
    await untouchedFor(app, '10 minutes', [paid, failed]);

    const first = await reconciliation.run();
    expect(await balances(app, paidPlayer.userId)).toEqual({ cash: 6000n, held: 0n, available: 6000n });
    expect(await balances(app, failedPlayer.userId)).toEqual({ cash: 10000n, held: 0n, available: 10000n });
    expect(await ledgerRows(`withdrawal:${paid}:capture`)).toBe(1);
    expect(await ledgerRows(`withdrawal:${failed}:release`)).toBe(1);
    expect(await intents.findById(failed)).toMatchObject({ status: 'failed', failureCode: 'account_closed' });
    expect(await lastTransition(paid)).toMatchObject({
      from_status: 'processing',
      to_status: 'succeeded',
      details: { during: 'reconciliation_follow', providerStatus: 'paid' },
    });
    const settled = [await snapshot(paid), await snapshot(failed)];
    expect(settled).toEqual([
      expect.objectContaining({ status: 'succeeded', settled: true }),
      expect.objectContaining({ status: 'failed', settled: true }),
    ]);
    expect([...mismatchesOf(first, paid), ...mismatchesOf(first, failed)]).toEqual([]);
    expect([outcomeOf(first, paid), outcomeOf(first, failed)]).toEqual(['applied', 'applied']);

    await reconciliation.run();
    sandbox.psp.webhooks.release();
    await sandbox.psp.webhooks.idle();
    expect([await snapshot(paid), await snapshot(failed)]).toEqual(settled);
    expect(await ledgerRows(`withdrawal:${paid}:capture`)).toBe(1);
    expect(await ledgerRows(`withdrawal:${failed}:release`)).toBe(1);
    expect(await balances(app, paidPlayer.userId)).toEqual({ cash: 6000n, held: 0n, available: 6000n });
    expect(await balances(app, failedPlayer.userId)).toEqual({ cash: 10000n, held: 0n, available: 10000n });
  });

  it('changes nothing while the PSP answers errors or cannot be reached; the next run applies it', async () => {
    const player = await newPlayer(app, 5000n);
    await verifyKyc(app, player.userId);
    const deposit = await paidWithWebhookLost(suite, player, '1200');
    const withdrawal = await payoutSettledWithWebhookLost(player, '2000', 'paid');
    await untouchedFor(app, '10 minutes', [deposit, withdrawal]);
    const before = [await snapshot(deposit), await snapshot(withdrawal)];

    sandbox.psp.faults.setOutage(true);
    const erroring = await reconciliation.run();
    expect([await snapshot(deposit), await snapshot(withdrawal)]).toEqual(before);
    sandbox.psp.faults.setOutage(false);
    providers.register(unreachableSandboxProvider());
    const unreachable = await reconciliation.run();
    expect([await snapshot(deposit), await snapshot(withdrawal)]).toEqual(before);
    expect(await balances(app, player.userId)).toEqual({ cash: 3000n, held: 2000n, available: 3000n });

    providers.register(realSandbox);
    const next = await reconciliation.run();
    expect(await balances(app, player.userId)).toEqual({ cash: 4200n, held: 0n, available: 4200n });
    expect(await ledgerRows(`deposit:${deposit}`)).toBe(1);
    expect(await ledgerRows(`withdrawal:${withdrawal}:capture`)).toBe(1);
    expect(
      [erroring, unreachable, next].map((report) => [outcomeOf(report, deposit), outcomeOf(report, withdrawal)]),
    ).toEqual([
      ['unreachable', 'unreachable'],
      ['unreachable', 'unreachable'],
      ['applied', 'applied'],
    ]);
  });

  it('fails a deposit the PSP finally declined (webhook lost), cancels it there and credits nothing', async () => {
    const player = await newPlayer(app);
    const { id, page } = await openDeposit(app, player, '900');
    sandbox.psp.webhooks.hold();
    await actOnPaymentPage(page, 'decline?hard=1');
    await untouchedFor(app, '10 minutes', [id]);

    const report = await reconciliation.run();
    expect(await intents.findById(id)).toMatchObject({ status: 'failed', failureCode: 'stolen_card' });
    const reference = (await intents.findById(id))?.providerReference ?? '';
    expect(sandbox.psp.store.intents.get(reference)?.status).toBe('canceled');
    expect(await snapshot(id)).toMatchObject({ ledger: 0 });
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n });
    expect(outcomeOf(report, id)).toBe('applied');
  });

  it('does not apply a record naming another amount: a psp_record_differs mismatch, and nothing changes', async () => {
    const player = await newPlayer(app);
    const id = await paidWithWebhookLost(suite, player, '3100');
    const reference = (await intents.findById(id))?.providerReference ?? '';
    const atPsp = sandbox.psp.store.intents.get(reference);
    if (!atPsp) throw new Error('no payment at the PSP');
    atPsp.amount = 310000;
    await untouchedFor(app, '10 minutes', [id]);
    const before = await snapshot(id);

    const report = await reconciliation.run();
    expect(await snapshot(id)).toEqual(before);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n });
    expect(await securityEventsOf(id)).toContainEqual({
      kind: 'reconciliation.mismatch',
      details: expect.objectContaining({
        mismatch: 'psp_record_differs',
        during: 'reconciliation_follow',
        problem: 'amount',
        expected: '3100',
        received: '310000',
      }),
    });
    expect(mismatchesOf(report, id)).toContain('psp_record_differs');
    expect(outcomeOf(report, id)).toBe('mismatch');
  });

  it('leaves a deposit processing when the PSP canceled it, recording payment.provider_status_refused', async () => {
    const player = await newPlayer(app);
    const { id } = await openDeposit(app, player, '2700');
    const reference = (await intents.findById(id))?.providerReference ?? '';
    const atPsp = sandbox.psp.store.intents.get(reference);
    if (!atPsp) throw new Error('no payment at the PSP');
    atPsp.status = 'processing';
    atPsp.next_action = null;
    expect(await deliverSandboxWebhook(app, 'payment_intent.processing', atPsp)).toBe('applied');
    atPsp.status = 'canceled'; // Stripe allows this "in rare cases"; its webhook is lost
    await untouchedFor(app, '10 minutes', [id]);
    const before = await snapshot(id);

    const report = await reconciliation.run();
    expect(await snapshot(id)).toEqual(before);
    expect(await securityEventsOf(id)).toEqual([
      {
        kind: 'payment.provider_status_refused',
        details: {
          during: 'reconciliation_follow',
          reference,
          status: 'processing',
          providerStatus: 'canceled',
        },
      },
    ]);
    expect(outcomeOf(report, id)).toBe('unchanged');
  });

  it('changes nothing for intents the PSP has not ended, and reads none changed within the grace period', async () => {
    const player = await newPlayer(app, 5000n);
    await verifyKyc(app, player.userId);
    const waiting = (await openDeposit(app, player, '1000')).id;
    const { id: challenged, page } = await openDeposit(app, player, '1100');
    await actOnPaymentPage(page, 'challenge');
    await sandbox.psp.webhooks.idle();
    expect((await intents.findById(challenged))?.status).toBe('requires_action');
    const payout = (await create(app, player, 'withdrawals', EUR('1500'))).json<{ id: string }>().id;
    await untouchedFor(app, '10 minutes', [waiting, challenged, payout]);
    const recent = await paidWithWebhookLost(suite, player, '1300');
    const ids = [waiting, challenged, payout, recent];
    const before = await Promise.all(ids.map((id) => snapshot(id)));

    const report = await reconciliation.run();
    expect(await Promise.all(ids.map((id) => snapshot(id)))).toEqual(before);
    expect((await Promise.all(ids.map((id) => securityEventsOf(id)))).flat()).toEqual([]);
    expect(await balances(app, player.userId)).toEqual({ cash: 3500n, held: 1500n, available: 3500n });
    expect(ids.flatMap((id) => mismatchesOf(report, id))).toEqual([]);
    // Read at the PSP and left as they were; the one within the grace period was not read at all.
    expect(ids.map((id) => outcomeOf(report, id))).toEqual(['unchanged', 'unchanged', 'unchanged', undefined]);
  });

  it('reports once an open intent the PSP has no record of, changing nothing; a deposit still waiting for its payer is left to the expiry', async () => {
    const player = await newPlayer(app, 5000n);
    await verifyKyc(app, player.userId);
    const { id: processing } = await openDeposit(app, player, '1400');
    const atPsp = sandbox.psp.store.intents.get((await intents.findById(processing))?.providerReference ?? '');
    if (!atPsp) throw new Error('no payment at the PSP');
    atPsp.status = 'processing';
    atPsp.next_action = null;
    expect(await deliverSandboxWebhook(app, 'payment_intent.processing', atPsp)).toBe('applied');
    const { id: waiting } = await openDeposit(app, player, '1500');
    const payout = (await create(app, player, 'withdrawals', EUR('1600'))).json<{ id: string }>().id;
    const ids = [processing, waiting, payout];
    const references = await Promise.all(ids.map(async (id) => (await intents.findById(id))?.providerReference ?? ''));
    expect(sandbox.psp.store.intents.delete(references[0] ?? '')).toBe(true);
    expect(sandbox.psp.store.intents.delete(references[1] ?? '')).toBe(true);
    expect(sandbox.psp.store.payouts.delete(references[2] ?? '')).toBe(true);
    await untouchedFor(app, '10 minutes', ids);
    const before = await Promise.all(ids.map((id) => snapshot(id)));

    const first = await reconciliation.run();
    const second = await reconciliation.run();
    expect(await Promise.all(ids.map((id) => snapshot(id)))).toEqual(before);
    for (const report of [first, second])
      expect(ids.map((id) => outcomeOf(report, id))).toEqual(ids.map(() => 'record_missing'));
    const reported = (index: number, kind: string, status: string, amount: string) => [
      {
        kind: 'payment.provider_record_missing',
        details: {
          reference: references[index],
          during: 'reconciliation_follow',
          kind,
          status,
          amount,
          currency: 'EUR',
        },
      },
    ];
    expect(await securityEventsOf(processing)).toEqual(reported(0, 'deposit', 'processing', '1400'));
    expect(await securityEventsOf(payout)).toEqual(reported(2, 'withdrawal', 'processing', '1600'));
    expect(await securityEventsOf(waiting)).toEqual([]);
  });

  it('stops asking a PSP that answers nothing after PAYMENT_PROVIDER_UNREACHABLE_LIMIT reads in a row; the next run applies everything', async () => {
    const limit = app.get(AppConfig).PAYMENT_PROVIDER_UNREACHABLE_LIMIT;
    expect(limit).toBe(5); // the default
    const player = await newPlayer(app);
    const ids: string[] = [];
    for (let index = 0; index < limit + 3; index++)
      ids.push(await paidWithWebhookLost(suite, player, String(500 + index)));
    await untouchedFor(app, '10 minutes', ids);
    const reads: string[] = [];
    providers.register(afterRead(realSandbox, async (method) => void reads.push(method)));
    const skippedBefore = await followsCounted('skipped_outage');
    const warn = jest.spyOn(Logger.prototype, 'warn');

    sandbox.psp.faults.setOutage(true);
    let down: ReconciliationReport;
    let warnings: unknown[][];
    try {
      down = await reconciliation.run();
    } finally {
      sandbox.psp.faults.setOutage(false);
      warnings = [...warn.mock.calls];
      warn.mockRestore();
    }
    expect(reads).toHaveLength(limit);
    const outcomes = down.followed.map((followed) => followed.outcome);
    expect(outcomes).toEqual([
      ...Array<string>(limit).fill('unreachable'),
      ...outcomes.slice(limit).map(() => 'skipped_outage'),
    ]);
    expect(ids.filter((id) => outcomeOf(down, id) === 'skipped_outage').length).toBeGreaterThanOrEqual(3);
    expect(await followsCounted('skipped_outage')).toBe(skippedBefore + outcomes.length - limit);
    const outageWarnings = warnings.filter(([, message]) => /stopped following/.test(String(message)));
    expect(outageWarnings).toEqual([
      [{ provider: 'sandbox', unanswered: limit, skipped: outcomes.length - limit }, expect.any(String)],
    ]);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n });

    const next = await reconciliation.run();
    expect(ids.map((id) => outcomeOf(next, id))).toEqual(ids.map(() => 'applied'));
    const paid = ids.reduce((sum, _id, index) => sum + 500n + BigInt(index), 0n);
    expect(await balances(app, player.userId)).toMatchObject({ cash: paid });
  });
});

/** The provider, with `after` awaited once a payment has been retrieved and before its answer is returned. */
function afterRetrieve(real: PaymentProvider, after: (reference: string) => Promise<void>): PaymentProvider {
  return new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'retrievePayment' || typeof value !== 'function') return value;
      return async (reference: string) => {
        const payment: unknown = await (value as (reference: string) => Promise<unknown>).call(target, reference);
        await after(reference);
        return payment;
      };
    },
  });
}

/** The provider, with `after` awaited once a payment or payout has been retrieved (answered or not). */
function afterRead(real: PaymentProvider, after: (method: string) => Promise<void>): PaymentProvider {
  return new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if ((property !== 'retrievePayment' && property !== 'retrievePayout') || typeof value !== 'function')
        return value;
      return async (reference: string) => {
        try {
          return (await (value as (reference: string) => Promise<unknown>).call(target, reference)) as unknown;
        } finally {
          await after(property);
        }
      };
    },
  });
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
