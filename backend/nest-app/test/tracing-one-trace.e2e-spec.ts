import { eventually, isolatedSettings, startInMemoryTracing } from '@casino/platform/testing';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createWorkerApp } from '../../worker-etl/src/bootstrap';
import { loadWorkerConfig } from '../../worker-etl/src/config/load-worker-config';
import type { SandboxPsp } from '../../sandbox-psp/src/sandbox-psp';
import { CatalogSyncService } from '../src/modules/game/catalog/catalog-sync.service';
import { FakeHub88 } from './game/support/fake-hub88';
import { newPlayer, startGameTestApp } from './game/support/game-test-app';
import { Hub88Client } from './game/support/hub88-client';
import {
  actOnPaymentPage,
  deliverSandboxWebhook,
  openDeposit,
  paymentSettings,
  pspPaymentOf,
  SANDBOX_KEY,
  SANDBOX_SECRET,
  startSandbox,
  STRIPE_KEY,
  STRIPE_SECRET,
} from './payment-test-kit';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

// Registered before any app exists: the apps' spans go to memory, as the NodeSDK would send them over OTLP.
const tracing = startInMemoryTracing();
const GAME = 'clt_dragonrising';

const named = (spans: ReadableSpan[], name: string | RegExp): ReadableSpan[] =>
  spans.filter((span) => (typeof name === 'string' ? span.name === name : name.test(span.name)));
const idOf = (span: ReadableSpan): string => span.spanContext().spanId;
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
const linksOf = (span: ReadableSpan): string[] => span.links.map((link) => link.context.spanId);

/**
 * Issue 23 "one trace end to end": a sandbox PSP deposit webhook and a Hub88 bet, each followed as ONE trace through
 * the real ledger, outbox, relay, JetStream and worker-etl loading ClickHouse (span names: docs/operations.md).
 */
describe('one trace end to end (in-memory span exporter)', () => {
  const hub88 = new FakeHub88();
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let sandbox: { psp: SandboxPsp; url: string };
  let stripe: { psp: SandboxPsp; url: string };

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: GAME, name: 'Dragon Rising', category: 'slots', rtp: 96.5, volatility: 4 }];
    sandbox = await startSandbox({ apiKey: SANDBOX_KEY, secret: SANDBOX_SECRET });
    stripe = await startSandbox({ apiKey: STRIPE_KEY, secret: STRIPE_SECRET });
    environment = await createTestEnvironment(
      'one-trace',
      paymentSettings(sandbox.url, stripe.url, { ...hub88.settings(), GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0' }),
    );
    ({ app } = await startGameTestApp(environment.config));
    await app.get(CatalogSyncService).syncAll();
    worker = await createWorkerApp(
      loadWorkerConfig({
        ...isolatedSettings(environment.id),
        ETL_BATCH_MAX_WAIT_MS: '1000',
        MAIL_DELIVERY_ENABLED: 'false',
        SMS_DELIVERY_ENABLED: 'false',
        REPORT_EXPORTS_ENABLED: 'false',
      }),
    );
    await worker.init();
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await sandbox?.psp.app.close();
    await stripe?.psp.app.close();
    await environment?.dispose();
    await hub88.stop();
    await tracing.shutdown();
  });

  /** worker-etl's load (consumer `durable`) that took the event `publish` sent: its batch span links the publish. */
  async function loadOf(publish: ReadableSpan | undefined, durable: string): Promise<ReadableSpan> {
    if (!publish) throw new Error('no publish span');
    const find = (): ReadableSpan | undefined =>
      named(tracing.spans(), `${durable} process`).find((load) => linksOf(load).includes(idOf(publish)));
    await eventually(async () => find() !== undefined, 30_000, 100);
    return find() as ReadableSpan;
  }

  /** The spans of a trace once the relay published in it an event whose subject ends with `suffix`. */
  async function publishedIn(traceId: string, suffix: string): Promise<ReadableSpan[]> {
    const find = (): ReadableSpan[] =>
      named(tracing.trace(traceId), new RegExp(`${suffix.replace(/\./g, '\\.')} publish$`));
    await eventually(async () => find().length > 0, 30_000, 100);
    return find();
  }

  it('follows a deposit webhook through the ledger, the outbox row, the relay, JetStream and worker-etl', async () => {
    const player = await newPlayer(app, 'trace-deposit');
    const { id, page } = await openDeposit(app, player, '2500');
    await actOnPaymentPage(page, 'approve');
    expect(await deliverSandboxWebhook(app, 'payment_intent.succeeded', pspPaymentOf(sandbox, id))).toBe('applied');

    const [webhook] = named(tracing.spans(), 'payment.webhook').filter(
      (span) => span.attributes['payment.provider'] === 'sandbox',
    );
    if (!webhook) throw new Error('no payment.webhook span');
    const traceId = webhook.spanContext().traceId;

    // The outbox row of the deposit's wallet event keeps the webhook's trace.
    const rows = (await app.get(DataSource).query(
      `SELECT trace_context FROM outbox_events
        WHERE event_type = 'wallet.transaction.completed' AND envelope->'payload'->>'userId' = $1`,
      [player.userId],
    )) as { trace_context: { traceparent: string } | null }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.trace_context?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const [publish] = await publishedIn(traceId, '.wallet.wallet.transaction.completed');
    expect(publish?.kind).toBe(SpanKind.PRODUCER);
    // The relay's publish continues the request that wrote the row (not the relay's own loop).
    expect(publish && parentOf(publish)).toBe(idOf(webhook));
    const [batch] = named(tracing.trace(traceId), 'ledger.batch');
    expect(batch && parentOf(batch)).toBe(idOf(webhook));
    expect(batch && linksOf(batch)).toContain(idOf(webhook));

    // worker-etl's batch links the publish; alone in its batch (as here) it is the publish's child, in this trace.
    const load = await loadOf(publish, 'worker-etl-facts-wallet');
    expect(load.kind).toBe(SpanKind.CONSUMER);
    expect(load.spanContext().traceId).toBe(traceId);
    expect(parentOf(load)).toBe(publish && idOf(publish));
    await eventually(async () => named(tracing.trace(traceId), 'clickhouse.insert').length > 0, 10_000, 50);
    const inserts = named(tracing.trace(traceId), 'clickhouse.insert').filter((span) => parentOf(span) === idOf(load));
    expect(inserts.map((span) => span.attributes['db.collection.name'])).toContain('wallet_transactions');

    // The intent's own events (written in the webhook's transaction) reach the payment loader from the same trace.
    const [intentPublish] = await publishedIn(traceId, '.payment.payment.intent.succeeded');
    expect(intentPublish && parentOf(intentPublish)).toBe(idOf(webhook));
    await loadOf(intentPublish, 'worker-etl-facts-payment');
  }, 90_000);

  it('shows a Hub88 bet in the ledger batch it rode in (a link), and its events through the relay into worker-etl', async () => {
    const client = new Hub88Client(app, hub88);
    const players = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const player = await newPlayer(app, `trace-bet-${n}`, 10_000n);
        const gameId = (
          (await app.get(DataSource).query(`SELECT id FROM games WHERE game_code = $1`, [GAME])) as { id: string }[]
        )[0]?.id;
        const launch = await app.inject({
          method: 'POST',
          url: `/api/v1/games/${gameId}/launch`,
          headers: player.headers,
          payload: { mode: 'real', platform: 'desktop', language: 'en' },
        });
        expect(launch.statusCode).toBe(200);
        return { userId: player.userId, token: hub88.tokenOf(player.userId) };
      }),
    );
    const answers = await Promise.all(
      players.map((player) =>
        client.call('transaction/bet', {
          user: player.userId,
          transaction_uuid: randomUUID(),
          supplier_transaction_id: `sup-${randomUUID()}`,
          token: player.token,
          round: `round-${randomUUID()}`,
          // Each bet closes its round: the round's game.round.closed event is written by the same batch statement.
          round_closed: true,
          reward_uuid: null,
          is_free: false,
          game_code: GAME,
          currency: 'EUR',
          bet: null,
          amount: 100_000,
          meta: null,
        }),
      ),
    );
    expect(answers.map((answer) => answer.body['status'])).toEqual(['RS_OK', 'RS_OK', 'RS_OK', 'RS_OK']);

    const bets = named(tracing.spans(), 'game.wallet transaction/bet');
    expect(bets).toHaveLength(4);
    const batches = named(tracing.spans(), 'ledger.batch').filter((batch) =>
      bets.some((bet) => linksOf(batch).includes(idOf(bet))),
    );
    // Each bet rode in exactly one batch, which links it; a batch is one span however many bets it carried.
    for (const bet of bets) expect(batches.filter((batch) => linksOf(batch).includes(idOf(bet)))).toHaveLength(1);
    expect(batches.reduce((sum, batch) => sum + Number(batch.attributes['batch.size']), 0)).toBe(4);
    for (const batch of batches) {
      expect(batch.links).toHaveLength(Number(batch.attributes['batch.size']));
      // The batch sits in the trace of its first bet; the others reach it through their link.
      expect(bets.map(idOf)).toContain(parentOf(batch));
    }

    // Every bet's own trace goes on: its event's publish is its child, and worker-etl's load links that publish.
    for (const bet of bets) {
      const publishes = await publishedIn(bet.spanContext().traceId, '.wallet.wallet.transaction.completed');
      expect(publishes.map(parentOf)).toEqual([idOf(bet)]);
      await loadOf(publishes[0], 'worker-etl-facts-wallet');
      const roundClosed = await publishedIn(bet.spanContext().traceId, '.game.game.round.closed');
      expect(roundClosed.map(parentOf)).toEqual([idOf(bet)]);
      await loadOf(roundClosed[0], 'worker-etl-facts-game');
    }
  }, 90_000);
});
