import { eventually, isolatedSettings } from '@casino/platform/testing';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createWorkerApp } from '../../../worker-etl/src/bootstrap';
import { loadWorkerConfig } from '../../../worker-etl/src/config/load-worker-config';
import { requestHashOf } from '../../src/modules/wallet/ledger/request-hash';
import {
  actOnPaymentPage,
  create,
  deliverSandboxWebhook,
  EUR,
  newPlayer,
  openDeposit,
  pspPaymentOf,
  startPaymentSuite,
  waitForBalance,
  type PaymentSuite,
} from '../payment-test-kit';
import { bearer, signInAsStaff, uniqueEmail } from '../support/sign-in';

const TODAY = new Date().toISOString().slice(0, 10);

interface LedgerRow {
  id: string;
  request_hash: string;
  provider: string | null;
}

/**
 * Issue 16 "payment provider" dimension: a deposit paid at the sandbox PSP and confirmed by its webhook is credited
 * with the provider in its wallet transaction's reference, so its fact, `money_15m` and the report by
 * `payment_provider` name `sandbox`; and a credit retried after this change (made before it, settlement not stored)
 * still replays instead of being refused as a reused idempotency key. The payment method the player chose rides along
 * the same way (intent, event, wallet reference, facts, `payment_method`).
 */
describe('payment provider of deposits in the facts and reports (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let suite: PaymentSuite;
  let worker: NestFastifyApplication;
  let clickhouse: ClickHouseClient;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-provider-facts', { ADMIN_EMAIL: adminEmail });
    worker = await createWorkerApp(
      loadWorkerConfig({
        ...isolatedSettings(suite.environment.id),
        ETL_BATCH_MAX_WAIT_MS: '1000',
        MAIL_DELIVERY_ENABLED: 'false',
        SMS_DELIVERY_ENABLED: 'false',
        REPORT_EXPORTS_ENABLED: 'false',
      }),
    );
    await worker.init();
    clickhouse = createClient({
      url: suite.environment.config.CLICKHOUSE_URL,
      database: suite.environment.config.CLICKHOUSE_DATABASE,
    });
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await clickhouse?.close();
    await suite?.close();
  });

  const query = async <T>(sql: string): Promise<T[]> =>
    (await clickhouse.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  const creditsOf = (intentId: string): Promise<LedgerRow[]> =>
    suite.app.get(DataSource).query(
      `SELECT id, request_hash, metadata->>'provider' AS provider FROM ledger_transactions
        WHERE idempotency_scope = 'payment' AND metadata->>'paymentIntentId' = $1`,
      [intentId],
    );

  it('credits a webhook-confirmed deposit once with its provider, and a retry after the change replays', async () => {
    const { app } = suite;
    const player = await newPlayer(app);
    const { id, page } = await openDeposit(app, player, '2500');
    await actOnPaymentPage(page, 'approve');
    await waitForBalance(app, player.userId, { cash: 2500n });
    const [credit] = await creditsOf(id);
    expect(credit?.provider).toBe('sandbox');
    // The hash covers the command the payment module sends, which this change left as it was: a credit made
    // before the change and retried after it is the same request.
    const [intent] = (await app
      .get(DataSource)
      .query(`SELECT provider_reference FROM payment_intents WHERE id = $1`, [id])) as { provider_reference: string }[];
    const before = requestHashOf({
      type: 'deposit',
      wallet: { userId: player.userId },
      currency: 'EUR',
      amount: 2500n,
      provider: 'sandbox',
      idempotency: { scope: 'payment', key: `deposit:${id}` },
      metadata: { paymentIntentId: id, providerReference: intent?.provider_reference ?? '' },
      transactionId: 'any',
      eventId: 'any',
    });
    expect(credit?.request_hash).toBe(before);

    // The process died after the credit committed and before the intent stored its settlement: the PSP's retried
    // webhook settles again, and the wallet replays the credit (it compares request hashes only, and the ledger is
    // append-only: a credit written before this change keeps its metadata without a provider and replays the same).
    const dataSource = app.get(DataSource);
    await dataSource.query(`UPDATE payment_intents SET settled_at = NULL, wallet_transaction_id = NULL WHERE id = $1`, [
      id,
    ]);
    await deliverSandboxWebhook(app, 'payment_intent.succeeded', pspPaymentOf(suite.sandbox, id));
    await eventually(async () => {
      const [row] = (await dataSource.query(
        `SELECT settled_at IS NOT NULL AS settled, wallet_transaction_id::text AS tx FROM payment_intents WHERE id = $1`,
        [id],
      )) as { settled: boolean; tx: string | null }[];
      return row?.settled === true && row.tx === credit?.id;
    }, 10_000);
    expect((await creditsOf(id)).map((row) => row.id)).toEqual([credit?.id]);
    await waitForBalance(app, player.userId, { cash: 2500n });

    await eventually(
      async () =>
        (
          await query(
            `SELECT 1 FROM wallet_transactions WHERE user_id = '${player.userId}' AND transaction_type = 'deposit'`,
          )
        ).length === 1,
      30_000,
    );
    expect(
      await query(
        `SELECT provider, toString(cash_amount) AS cash FROM wallet_transactions WHERE user_id = '${player.userId}'`,
      ),
    ).toEqual([{ provider: 'sandbox', cash: '2500' }]);
    // A materialized view's block lands a moment after its source's: wait for the rollup, then check it holds one.
    const deposits =
      "SELECT provider, toString(sum(transactions_count)) AS n, toString(sum(cash_amount)) AS cash FROM money_15m WHERE transaction_type = 'deposit' GROUP BY provider";
    await eventually(async () => (await query(deposits)).length > 0, 10_000);
    expect(await query(deposits)).toEqual([{ provider: 'sandbox', n: '1', cash: '2500' }]);

    const finance = await signInAsStaff(app, adminEmail, 'finance');
    const report = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/query',
      headers: bearer(finance.accessToken),
      payload: {
        measures: ['deposits_count', 'deposits_amount'],
        dimensions: ['currency', 'payment_provider'],
        timeZone: 'UTC',
        dateRange: { from: TODAY, to: TODAY },
      },
    });
    expect(report.statusCode).toBe(200);
    expect(report.json<{ rows: unknown[] }>().rows).toEqual([
      { currency: 'EUR', payment_provider: 'sandbox', deposits_count: '1', deposits_amount: '2500' },
    ]);
  }, 90_000);

  it('carries the payment method the player chose into the facts and the payment_method dimension', async () => {
    const { app } = suite;
    const player = await newPlayer(app);
    for (const method of ['paypal', "card' OR '1'='1", '', 7]) {
      const refused = await create(app, player, 'deposits', { ...EUR('4000'), method });
      expect(refused.statusCode).toBe(400);
    }
    const opened = await create(app, player, 'deposits', { ...EUR('4000'), method: 'card' });
    expect(opened.statusCode).toBe(201);
    const { id, nextAction } = opened.json<{ id: string; nextAction: { url: string } }>();
    await actOnPaymentPage(nextAction.url, 'approve');
    await waitForBalance(app, player.userId, { cash: 4000n });
    const [credit] = (await app
      .get(DataSource)
      .query(
        `SELECT metadata->>'paymentMethod' AS method FROM ledger_transactions WHERE metadata->>'paymentIntentId' = $1`,
        [id],
      )) as { method: string }[];
    expect(credit?.method).toBe('card');

    const facts = `SELECT provider, payment_method AS method, toString(cash_amount) AS cash FROM wallet_transactions WHERE user_id = '${player.userId}'`;
    await eventually(async () => (await query(facts)).length === 1, 30_000);
    expect(await query(facts)).toEqual([{ provider: 'sandbox', method: 'card', cash: '4000' }]);
    await eventually(
      async () =>
        (
          await query(
            `SELECT 1 FROM payment_events WHERE intent_id = '${id}' AND event_type = 'payment.intent.succeeded'`,
          )
        ).length === 1,
      30_000,
    );
    expect(await query(`SELECT DISTINCT method FROM payment_events WHERE intent_id = '${id}'`)).toEqual([
      { method: 'card' },
    ]);
    const byMethod =
      "SELECT payment_method AS method, toString(sum(cash_amount)) AS cash FROM money_15m WHERE transaction_type = 'deposit' GROUP BY method ORDER BY method";
    await eventually(async () => (await query(byMethod)).length === 2, 10_000);

    const finance = await signInAsStaff(app, adminEmail, 'finance');
    const report = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/query',
      headers: bearer(finance.accessToken),
      payload: {
        measures: ['deposits_count', 'deposits_amount'],
        dimensions: ['currency', 'payment_method'],
        timeZone: 'UTC',
        dateRange: { from: TODAY, to: TODAY },
      },
    });
    expect(report.statusCode).toBe(200);
    // The first test's deposit was made without a method: it is reported under ''.
    expect(report.json<{ rows: unknown[] }>().rows).toEqual([
      { currency: 'EUR', payment_method: '', deposits_count: '1', deposits_amount: '2500' },
      { currency: 'EUR', payment_method: 'card', deposits_count: '1', deposits_amount: '4000' },
    ]);
  }, 90_000);
});
