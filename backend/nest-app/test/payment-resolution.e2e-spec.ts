import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { SandboxPaymentIntent } from '../../sandbox-psp/src/sandbox-store';
import { PaymentIntentRepository } from '../src/modules/payment/intents/payment-intent.repository';
import { PaymentProviders } from '../src/modules/payment/psp/payment-providers';
import {
  EUR,
  balances,
  create,
  deliverSandboxWebhook,
  newPlayer,
  pspPaymentOf,
  startPaymentSuite,
  unreachableSandboxProvider,
  verifyKyc,
  waitForBalance,
  type PaymentSuite,
  type Player,
} from './payment-test-kit';
import type { Role } from '../src/common/auth/roles';
import { bearer, signInAsStaff, signInWithTotp, uniqueEmail, type SignedIn } from './support/sign-in';

// payments.md allows cancel only before `processing`, so a PSP that cancels a processing payment anyway (Stripe: "in
// rare cases") leaves the intent open here; staff close it through POST /admin/payments/:id/resolve after the PSP,
// asked again, confirms it ended without success.

interface Snapshot {
  status: string | undefined;
  transitions: number;
  audits: number;
  ledger: number;
}

describe('staff resolution of a payment the PSP ended without success (e2e, sandbox PSP)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];
  let dataSource: DataSource;
  let intents: PaymentIntentRepository;
  let admin: Record<string, string>;
  let finance: Record<string, string>;
  let financeId: string;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-resolution', { OUTBOX_RELAY_ENABLED: 'false' });
    ({ app, sandbox } = suite);
    dataSource = app.get(DataSource);
    intents = app.get(PaymentIntentRepository);
    admin = bearer((await signInAsStaff(app, suite.environment.config.ADMIN_EMAIL)).accessToken);
    const financeStaff = await staffWith('finance');
    finance = bearer(financeStaff.accessToken);
    financeId = financeStaff.userId;
  });

  afterAll(() => suite?.close());

  /** A new account given `role` by the admin, its session past TOTP (staff routes need it). */
  async function staffWith(role: Role): Promise<SignedIn> {
    const staff = await signInWithTotp(app, uniqueEmail(role));
    const granted = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${staff.userId}/roles`,
      headers: admin,
      payload: { role },
    });
    expect(granted.statusCode).toBe(200);
    return staff;
  }

  function resolve(id: string, headers: Record<string, string>, options: { reason?: unknown; key?: string } = {}) {
    const payload = 'reason' in options ? { reason: options.reason } : { reason: 'checked the PSP dashboard' };
    return app.inject({
      method: 'POST',
      url: `/api/v1/admin/payments/${id}/resolve`,
      headers: { ...headers, 'idempotency-key': options.key ?? randomUUID() },
      payload,
    });
  }

  /** A deposit `processing` here; at the PSP it is then moved to `pspStatus` (with its webhook, when given). */
  async function processingDeposit(player: Player, amount: string): Promise<{ id: string; psp: SandboxPaymentIntent }> {
    const response = await create(app, player, 'deposits', EUR(amount));
    expect(response.statusCode).toBe(201);
    const id = response.json<{ id: string }>().id;
    const psp = pspPaymentOf(sandbox, id);
    psp.status = 'processing';
    psp.next_action = null;
    expect(await deliverSandboxWebhook(app, 'payment_intent.processing', psp)).toBe('applied');
    expect((await intents.findById(id))?.status).toBe('processing');
    return { id, psp };
  }

  /** The stuck case: the PSP canceled a payment that is processing here, and the webhook saying so was refused. */
  async function canceledAtPspWhileProcessing(player: Player, amount = '2500'): Promise<string> {
    const { id, psp } = await processingDeposit(player, amount);
    psp.status = 'canceled';
    psp.canceled_at = Math.floor(Date.now() / 1000);
    expect(await deliverSandboxWebhook(app, 'payment_intent.canceled', psp)).toBe('ignored');
    expect((await intents.findById(id))?.status).toBe('processing');
    return id;
  }

  async function snapshot(id: string): Promise<Snapshot> {
    const [row] = (await dataSource.query(
      `SELECT (SELECT status FROM payment_intents WHERE id = $1) AS status,
              (SELECT count(*)::int FROM payment_intent_transitions WHERE intent_id = $1) AS transitions,
              (SELECT count(*)::int FROM audit_log WHERE target_id = $1::text) AS audits,
              (SELECT count(*)::int FROM ledger_transactions WHERE metadata->>'paymentIntentId' = $1::text) AS ledger`,
      [id],
    )) as Snapshot[];
    return row as Snapshot;
  }

  async function audits(id: string): Promise<{ action: string; actor_id: string; details: Record<string, unknown> }[]> {
    return (await dataSource.query(`SELECT action, actor_id, details FROM audit_log WHERE target_id = $1 ORDER BY id`, [
      id,
    ])) as { action: string; actor_id: string; details: Record<string, unknown> }[];
  }

  it('closes a deposit the PSP canceled while it was processing here: canceled by staff, nothing credited, audited', async () => {
    const player = await newPlayer(app);
    const id = await canceledAtPspWhileProcessing(player);
    const key = randomUUID();

    const resolved = await resolve(id, finance, { reason: 'Stripe canceled it (dashboard, ticket 42)', key });

    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ id, kind: 'deposit', status: 'canceled', nextAction: null });
    expect((await intents.transitionsOf(id)).at(-1)).toMatchObject({
      fromStatus: 'processing',
      toStatus: 'canceled',
      cause: 'staff_resolution',
      actorId: financeId,
    });
    expect(await audits(id)).toEqual([
      {
        action: 'payment.resolve',
        actor_id: financeId,
        details: expect.objectContaining({
          reason: 'Stripe canceled it (dashboard, ticket 42)',
          before: { status: 'processing' },
          after: { status: 'canceled' },
          providerStatus: 'canceled',
          providerReference: pspPaymentOf(sandbox, id).id,
          amount: '2500',
          currency: 'EUR',
        }),
      },
    ]);
    const [events] = (await dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE aggregate_id = $1 AND event_type = 'payment.intent.canceled'`,
      [id],
    )) as { n: number }[];
    expect(events?.n).toBe(1);
    expect((await snapshot(id)).ledger).toBe(0);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n, held: 0n });

    // The same key answers the first result and does nothing again; other parameters with it are refused.
    const replay = await resolve(id, finance, { reason: 'Stripe canceled it (dashboard, ticket 42)', key });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(resolved.json());
    const reused = await resolve(id, finance, { reason: 'another reason', key });
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const again = await resolve(id, admin);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'PAYMENT_NOT_RESOLVABLE', details: { status: 'canceled' } });
    expect(await audits(id)).toHaveLength(1);
  });

  it('refuses, changing nothing, while the PSP says the payment is still under way or succeeded', async () => {
    const player = await newPlayer(app);
    const { id, psp } = await processingDeposit(player, '2600');
    const before = await snapshot(id);

    const pending = await resolve(id, finance);
    expect(pending.statusCode).toBe(409);
    expect(pending.json().error).toMatchObject({
      code: 'PAYMENT_RESOLUTION_PROVIDER_PENDING',
      details: { status: 'processing', providerStatus: 'processing' },
    });
    expect(await snapshot(id)).toEqual(before);

    psp.status = 'succeeded'; // the payer paid; its webhook was lost
    const succeeded = await resolve(id, admin);
    expect(succeeded.statusCode).toBe(409);
    expect(succeeded.json().error).toMatchObject({
      code: 'PAYMENT_RESOLUTION_PROVIDER_SUCCEEDED',
      details: { status: 'processing', providerStatus: 'succeeded' },
    });
    expect(await snapshot(id)).toEqual(before);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n });
  });

  it('refuses, changing nothing, when the PSP does not answer or has no record of the payment', async () => {
    const player = await newPlayer(app);
    const id = await canceledAtPspWhileProcessing(player, '2700');
    const before = await snapshot(id);
    const providers = app.get(PaymentProviders);
    const real = providers.get('sandbox');
    providers.register(unreachableSandboxProvider());
    try {
      const unreachable = await resolve(id, finance);
      expect(unreachable.statusCode).toBe(503);
      expect(unreachable.json().error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    } finally {
      providers.register(real);
    }
    expect(await snapshot(id)).toEqual(before);

    expect(sandbox.psp.store.intents.delete(pspPaymentOf(sandbox, id).id)).toBe(true);
    const missing = await resolve(id, finance);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('PAYMENT_PROVIDER_RECORD_MISSING');
    expect(await snapshot(id)).toEqual(before);
  });

  it("releases a withdrawal's hold exactly once when its payout failed at the PSP and the webhook was lost", async () => {
    const player = await newPlayer(app, 10000n);
    await verifyKyc(app, player.userId);
    const created = await create(app, player, 'withdrawals', EUR('4000'));
    expect(created.json()).toMatchObject({ status: 'processing' });
    const id = created.json<{ id: string }>().id;
    expect(await balances(app, player.userId)).toEqual({ cash: 6000n, held: 4000n, available: 6000n });
    const payout = [...sandbox.psp.store.payouts.values()].find((found) => found.metadata['intentId'] === id);
    if (!payout) throw new Error('no payout at the PSP');

    const pending = await resolve(id, finance);
    expect(pending.json().error).toMatchObject({
      code: 'PAYMENT_RESOLUTION_PROVIDER_PENDING',
      details: { providerStatus: 'pending' },
    });

    payout.status = 'failed';
    const [first, second] = await Promise.all([resolve(id, finance), resolve(id, admin)]);
    const answers = [first, second].map((response) => response.statusCode).sort();
    expect(answers).toEqual([200, 409]);
    const winner = first.statusCode === 200 ? first : second;
    const loser = first.statusCode === 200 ? second : first;
    expect(winner.json()).toMatchObject({ id, status: 'failed', failureCode: 'provider_failed' });
    expect(loser.json().error.code).toBe('PAYMENT_NOT_RESOLVABLE');

    await waitForBalance(app, player.userId, { cash: 10000n, held: 0n, available: 10000n });
    const releases = (await dataSource.query(
      `SELECT count(*)::int AS n FROM ledger_transactions WHERE idempotency_scope = 'payment' AND idempotency_key = $1`,
      [`withdrawal:${id}:release`],
    )) as { n: number }[];
    expect(releases[0]?.n).toBe(1);
    expect(await audits(id)).toEqual([
      expect.objectContaining({
        action: 'payment.resolve',
        details: expect.objectContaining({ before: { status: 'processing' }, after: { status: 'failed' } }),
      }),
    ]);
  });

  it('refuses to close a withdrawal whose payout the PSP paid', async () => {
    const player = await newPlayer(app, 5000n);
    await verifyKyc(app, player.userId);
    const id = (await create(app, player, 'withdrawals', EUR('3000'))).json<{ id: string }>().id;
    const payout = [...sandbox.psp.store.payouts.values()].find((found) => found.metadata['intentId'] === id);
    if (!payout) throw new Error('no payout at the PSP');
    payout.status = 'paid';
    const before = await snapshot(id);

    const refused = await resolve(id, finance);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'PAYMENT_RESOLUTION_PROVIDER_SUCCEEDED',
      details: { providerStatus: 'paid' },
    });
    expect(await snapshot(id)).toEqual(before);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2000n, held: 3000n });
  });

  it('is for admin and finance only, needs a reason and an Idempotency-Key, and names what it refuses', async () => {
    const player = await newPlayer(app);
    const id = await canceledAtPspWhileProcessing(player, '2800');
    const before = await snapshot(id);

    expect((await resolve(id, player.headers)).statusCode).toBe(403);
    const support = await staffWith('support');
    expect((await resolve(id, bearer(support.accessToken))).json().error.code).toBe('FORBIDDEN');
    for (const reason of [undefined, '', 'no', 'x'.repeat(501), 42]) {
      const invalid = await resolve(id, finance, { reason });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error.code).toBe('VALIDATION_FAILED');
    }
    const withoutKey = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/payments/${id}/resolve`,
      headers: finance,
      payload: { reason: 'checked the PSP dashboard' },
    });
    expect(withoutKey.statusCode).toBe(400);
    expect(await snapshot(id)).toEqual(before);

    const unknown = await resolve(randomUUID(), finance);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('PAYMENT_NOT_FOUND');

    const open = (await create(app, player, 'deposits', EUR('1000'))).json<{ id: string }>().id;
    const notResolvable = await resolve(open, finance);
    expect(notResolvable.statusCode).toBe(409);
    expect(notResolvable.json().error).toMatchObject({
      code: 'PAYMENT_NOT_RESOLVABLE',
      details: { status: 'requires_payment_method' },
    });

    const own = randomUUID();
    await dataSource.query(
      `INSERT INTO payment_intents (id, user_id, kind, provider, amount, currency, status, provider_reference)
       VALUES ($1, $2, 'deposit', 'sandbox', 500, 'EUR', 'processing', 'pi_own')`,
      [own, financeId],
    );
    const ownResolved = await resolve(own, finance);
    expect(ownResolved.statusCode).toBe(403);
    expect(ownResolved.json().error.code).toBe('FORBIDDEN');
  });
});
