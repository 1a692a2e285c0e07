import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import type { SandboxPsp } from '../../sandbox-psp/src/sandbox-psp';
import {
  balances,
  create,
  newPlayer,
  paymentSettings,
  SANDBOX_KEY,
  SANDBOX_SECRET,
  startSandbox,
  STRIPE_KEY,
  STRIPE_SECRET,
  type Player,
} from './payment-test-kit';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

// Webhook rules: ../shared/reference/payments.md ("Webhook signatures": t=…,v1=…, HMAC-SHA256 of `t.body`, 300 s tolerance, rotation).
const ROTATED_SECRET = 'whsec_payment_suite_rotated';
const stripe = new Stripe('sk_test_signer');

describe('payment webhooks (e2e, Stripe scheme signed by the official SDK)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let stripeStandIn: { psp: SandboxPsp; url: string };
  let sandbox: { psp: SandboxPsp; url: string };
  let dataSource: DataSource;

  beforeAll(async () => {
    stripeStandIn = await startSandbox({ apiKey: STRIPE_KEY, secret: STRIPE_SECRET });
    sandbox = await startSandbox({ apiKey: SANDBOX_KEY, secret: SANDBOX_SECRET });
    environment = await createTestEnvironment(
      'payment-webhooks',
      paymentSettings(sandbox.url, stripeStandIn.url, { STRIPE_WEBHOOK_SECRET: `${STRIPE_SECRET},${ROTATED_SECRET}` }),
    );
    app = await startTestApp(environment.config);
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await stripeStandIn?.psp.app.close();
    await sandbox?.psp.app.close();
    await environment?.dispose();
  });

  /** A Stripe deposit created through the API; answers our id and the PaymentIntent id at "Stripe". */
  async function stripeDeposit(player: Player, amount = '2500'): Promise<{ id: string; pi: string }> {
    const response = await create(app, player, 'deposits', { amount, currency: 'EUR', provider: 'stripe' });
    expect(response.statusCode).toBe(201);
    const id = response.json<{ id: string }>().id;
    const pi = [...stripeStandIn.psp.store.intents.values()].find((intent) => intent.metadata['intentId'] === id);
    if (!pi) throw new Error('the stand-in has no PaymentIntent for the deposit');
    return { id, pi: pi.id };
  }

  function event(
    type: string,
    intentId: string,
    pi: string,
    options: { amount?: number; created?: number; id?: string; error?: object } = {},
  ): string {
    return JSON.stringify({
      id: options.id ?? `evt_${randomUUID().replace(/-/g, '')}`,
      object: 'event',
      type,
      created: options.created ?? Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: pi,
          object: 'payment_intent',
          amount: options.amount ?? 2500,
          currency: 'eur',
          metadata: { intentId },
          last_payment_error: options.error ?? null,
        },
      },
    });
  }

  function deliver(payload: string, signature: string | undefined, provider = 'stripe') {
    return app.inject({
      method: 'POST',
      url: `/api/v1/payments/webhooks/${provider}`,
      headers: {
        'content-type': 'application/json',
        ...(signature === undefined ? {} : { 'stripe-signature': signature }),
      },
      payload,
    });
  }

  const sign = (payload: string, secret = STRIPE_SECRET, timestamp?: number): string =>
    stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });

  async function statusOf(id: string): Promise<string> {
    const [row] = (await dataSource.query(`SELECT status FROM payment_intents WHERE id = $1`, [id])) as {
      status: string;
    }[];
    return row?.status ?? 'missing';
  }

  async function signatureFailures(): Promise<number> {
    const metric = await register.getSingleMetric('payment_webhook_signature_failures_total')?.get();
    return (metric?.values ?? []).reduce((sum, value) => sum + value.value, 0);
  }

  /** The sum of a metric's samples whose labels include `labels`, as `GET /metrics` shows them. */
  async function scraped(name: string, labels: string): Promise<number> {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  it('accepts an SDK-signed event, credits the wallet once, and acknowledges a replay without acting', async () => {
    const player = await newPlayer(app);
    const openBefore = await scraped('payment_intents_open', 'provider="stripe",kind="deposit"');
    const succeededBefore = await scraped('payment_intent_statuses_total', 'kind="deposit",status="succeeded"');
    const { id, pi } = await stripeDeposit(player);
    expect(await scraped('payment_intents_open', 'provider="stripe",kind="deposit"')).toBe(openBefore + 1);
    const payload = event('payment_intent.succeeded', id, pi);
    const header = sign(payload);

    const first = await deliver(payload, header);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false, outcome: 'applied' });
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n });

    const replay = await deliver(payload, header);
    const resigned = await deliver(payload, sign(payload));
    expect(replay.json()).toEqual({ received: true, duplicate: true, outcome: 'duplicate' });
    expect(resigned.json()).toMatchObject({ duplicate: true });
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n });
    const credits = (await dataSource.query(
      `SELECT count(*)::int AS n FROM ledger_transactions WHERE idempotency_scope = 'payment' AND metadata->>'paymentIntentId' = $1`,
      [id],
    )) as { n: number }[];
    expect(credits[0]?.n).toBe(1);
    const events = (await dataSource.query(
      `SELECT event_type FROM outbox_events WHERE stream = 'payment' AND aggregate_id = $1 ORDER BY position`,
      [id],
    )) as { event_type: string }[];
    expect(events.map((row) => row.event_type)).toEqual(['payment.intent.created', 'payment.intent.succeeded']);
    expect(await scraped('payment_intents_open', 'provider="stripe",kind="deposit"')).toBe(openBefore);
    expect(await scraped('payment_intent_statuses_total', 'kind="deposit",status="succeeded"')).toBe(
      succeededBefore + 1,
    );
  });

  it('refuses a body changed by one byte, a wrong secret, a timestamp 310 s old or ahead, and no header: 400, counted, recorded', async () => {
    const player = await newPlayer(app);
    const { id, pi } = await stripeDeposit(player);
    const payload = event('payment_intent.succeeded', id, pi);
    const now = Math.floor(Date.now() / 1000);
    const before = await signatureFailures();
    const attempts = [
      deliver(payload.replace('"amount":2500', '"amount":2501'), sign(payload)),
      deliver(payload, sign(payload, 'whsec_not_our_secret')),
      // Well past the 300 s tolerance: the exact edge is the unit spec's (fixed clock); here the server's clock
      // moves on while the requests are on their way, and one second of it turned 301 s ahead into 300 s.
      deliver(payload, sign(payload, STRIPE_SECRET, now - 310)),
      deliver(payload, sign(payload, STRIPE_SECRET, now + 310)),
      deliver(payload, undefined),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    }
    expect((await signatureFailures()) - before).toBe(5);
    const recorded = (await dataSource.query(
      `SELECT details->>'reason' AS reason FROM payment_security_events WHERE kind = 'webhook.signature_invalid' ORDER BY occurred_at DESC LIMIT 5`,
    )) as { reason: string }[];
    expect(recorded.map((row) => row.reason).sort()).toEqual([
      'missing_header',
      'no_matching_signature',
      'no_matching_signature',
      'timestamp_out_of_tolerance',
      'timestamp_out_of_tolerance',
    ]);
    expect(await statusOf(id)).toBe('requires_payment_method');
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n });

    // Still inside the tolerance, the same event is accepted: only the refusals above were wrong.
    expect((await deliver(payload, sign(payload, STRIPE_SECRET, now - 299))).statusCode).toBe(200);
  });

  it('accepts a signature made with either secret during a rotation', async () => {
    const player = await newPlayer(app);
    const { id, pi } = await stripeDeposit(player);
    const payload = event('payment_intent.processing', id, pi);
    expect((await deliver(payload, sign(payload, ROTATED_SECRET))).json()).toMatchObject({ outcome: 'applied' });
    expect(await statusOf(id)).toBe('processing');
  });

  it('ends succeeded and credited once when events come out of order and twice', async () => {
    const player = await newPlayer(app);
    const { id, pi } = await stripeDeposit(player);
    const now = Math.floor(Date.now() / 1000);
    const succeeded = event('payment_intent.succeeded', id, pi, { created: now });
    const processing = event('payment_intent.processing', id, pi, { created: now - 1 });
    const action = event('payment_intent.requires_action', id, pi, { created: now - 2 });
    const outcomes: string[] = [];
    for (const payload of [processing, succeeded, action, processing, succeeded]) {
      outcomes.push((await deliver(payload, sign(payload))).json<{ outcome: string }>().outcome);
    }
    expect(outcomes).toEqual(['applied', 'applied', 'ignored', 'duplicate', 'duplicate']);
    expect(await statusOf(id)).toBe('succeeded');
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n });
    const transitions = (await dataSource.query(
      `SELECT from_status, to_status, cause FROM payment_intent_transitions WHERE intent_id = $1 ORDER BY id`,
      [id],
    )) as { from_status: string | null; to_status: string; cause: string }[];
    expect(transitions).toEqual([
      { from_status: null, to_status: 'requires_payment_method', cause: 'created' },
      { from_status: 'requires_payment_method', to_status: 'processing', cause: 'provider:payment_intent.processing' },
      { from_status: 'processing', to_status: 'succeeded', cause: 'provider:payment_intent.succeeded' },
    ]);
  });

  it('a soft decline allows a retry; a final decline fails the intent, and a late success is only reported', async () => {
    const player = await newPlayer(app);
    const soft = await stripeDeposit(player);
    const declined = event('payment_intent.payment_failed', soft.id, soft.pi, {
      error: { code: 'card_declined', decline_code: 'generic_decline', message: 'declined' },
    });
    await deliver(declined, sign(declined));
    expect(await statusOf(soft.id)).toBe('requires_payment_method');
    const retried = event('payment_intent.succeeded', soft.id, soft.pi);
    await deliver(retried, sign(retried));
    expect(await statusOf(soft.id)).toBe('succeeded');

    const hard = await stripeDeposit(player);
    const stolen = event('payment_intent.payment_failed', hard.id, hard.pi, {
      error: { code: 'card_declined', decline_code: 'stolen_card', message: 'declined' },
    });
    await deliver(stolen, sign(stolen));
    expect(await statusOf(hard.id)).toBe('failed');
    // A final decline is canceled at the provider, so it cannot be paid later.
    expect(stripeStandIn.psp.store.intents.get(hard.pi)?.status).toBe('canceled');
    const late = event('payment_intent.succeeded', hard.id, hard.pi);
    expect((await deliver(late, sign(late))).json()).toMatchObject({ outcome: 'ignored' });
    expect(await statusOf(hard.id)).toBe('failed');
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n });
    const alerts = (await dataSource.query(
      `SELECT intent_id FROM payment_security_events WHERE kind = 'payment.late_success'`,
    )) as { intent_id: string }[];
    expect(alerts.map((row) => row.intent_id)).toContain(hard.id);
  });

  it('reports a cancellation the state machine refuses (processing → canceled) and keeps the intent open', async () => {
    // payments.md: cancel only before `processing`; Stripe may still cancel one "in rare cases". Staff must see it.
    const player = await newPlayer(app);
    const { id, pi } = await stripeDeposit(player);
    const processing = event('payment_intent.processing', id, pi);
    await deliver(processing, sign(processing));
    const canceled = event('payment_intent.canceled', id, pi);
    expect((await deliver(canceled, sign(canceled))).json()).toMatchObject({ outcome: 'ignored' });
    expect(await statusOf(id)).toBe('processing');
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n });
    const alerts = (await dataSource.query(
      `SELECT details FROM payment_security_events WHERE kind = 'payment.provider_status_refused' AND intent_id = $1`,
      [id],
    )) as { details: Record<string, unknown> }[];
    expect(alerts.map((row) => row.details)).toEqual([
      expect.objectContaining({ status: 'processing', providerStatus: 'canceled' }),
    ]);
  });

  it('does not apply an event whose amount differs from the intent', async () => {
    const player = await newPlayer(app);
    const { id, pi } = await stripeDeposit(player);
    const payload = event('payment_intent.succeeded', id, pi, { amount: 250000 });
    expect((await deliver(payload, sign(payload))).json()).toMatchObject({ outcome: 'mismatch' });
    expect(await statusOf(id)).toBe('requires_payment_method');
    expect(await balances(app, player.userId)).toMatchObject({ cash: 0n });
  });

  it('answers 404 for an unknown provider', async () => {
    const payload = event('payment_intent.succeeded', randomUUID(), 'pi_x');
    const response = await deliver(payload, sign(payload), 'paypal');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('PAYMENT_PROVIDER_UNKNOWN');
  });
});
