import { disposeIsolatedResources, uniqueTestId } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { buildEvent, signatureHeader } from '../../sandbox-psp/src/webhook-sender';
import { WalletVerifier } from '../../nest-app/src/modules/wallet/wallet.verifier';
import {
  EUR,
  SANDBOX_SECRET,
  actOnPaymentPage,
  balances,
  newPlayer,
  pspPaymentOf,
  startPaymentSuite,
  verifyKyc,
  waitForBalance,
  type PaymentSuite,
} from '../../nest-app/test/payment-test-kit';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { GatewayUnderTest } from './support/gateway-under-test';

const DEPOSITS = 16;
const AMOUNT = 1000n;

/**
 * Issue 17: concurrent deposits of one player through the gateway. The player opens DEPOSITS deposits at once
 * through it, pays them all at once on the sandbox PSP's page, and the PSP's signed webhooks come in through the
 * gateway, as a real PSP's would, each also sent twice more at once (a PSP retrying while the first is in flight).
 */
describe('concurrent deposits of one player through the gateway (e2e)', () => {
  const id = uniqueTestId('gwdeposits');
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    suite = await startPaymentSuite(id, { API_TRUSTED_PROXIES: '127.0.0.1' });
    app = suite.app;
    const { port } = app.getHttpServer().address() as AddressInfo;
    gateway = await GatewayUnderTest.start(id, { GATEWAY_UPSTREAMS: `http://127.0.0.1:${port}` });
    suite.sandbox.psp.webhooks.setWebhookUrl(`${gateway.url}/api/v1/payments/webhooks/sandbox`);
  }, 120_000);

  afterAll(async () => {
    await gateway?.app.close();
    suite?.sandbox.psp.webhooks.stop();
    await suite?.close();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  }, 60_000);

  it('credits each of 16 concurrent deposits once, balance exact, the wallet verifier holds', async () => {
    const player = await newPlayer(app);
    await verifyKyc(app, player.userId);
    const created = await Promise.all(
      Array.from({ length: DEPOSITS }, () =>
        gateway.send('POST', '/api/v1/payments/deposits', {
          headers: { ...player.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify(EUR(AMOUNT.toString())),
        }),
      ),
    );
    expect(created.map((response) => response.status)).toEqual(Array(DEPOSITS).fill(201));
    const intents = created.map((response) => response.json<{ id: string; nextAction: { url: string } }>());

    await Promise.all(intents.map((intent) => actOnPaymentPage(intent.nextAction.url, 'approve')));
    // The PSP's own deliveries run meanwhile; its retries of each `succeeded`, at once, through the gateway too.
    const retries = await Promise.all(
      intents.flatMap((intent) => {
        const payment = pspPaymentOf(suite.sandbox, intent.id);
        const body = JSON.stringify(buildEvent('payment_intent.succeeded', payment, Math.floor(Date.now() / 1000)));
        return [0, 1].map(() => {
          const now = Math.floor(Date.now() / 1000);
          return gateway.send('POST', '/api/v1/payments/webhooks/sandbox', {
            headers: {
              'content-type': 'application/json',
              'stripe-signature': signatureHeader([SANDBOX_SECRET], now, body),
            },
            body,
          });
        });
      }),
    );
    expect(retries.filter((response) => response.status !== 200).map((response) => response.text)).toEqual([]);

    await waitForBalance(app, player.userId, { cash: AMOUNT * BigInt(DEPOSITS) }, 30_000);
    await suite.sandbox.psp.webhooks.idle();
    const delivered = suite.sandbox.psp.webhooks.deliveries.filter(
      (delivery) => delivery.type === 'payment_intent.succeeded',
    );
    expect(delivered.filter((delivery) => delivery.status === 200).length).toBeGreaterThanOrEqual(DEPOSITS);

    const dataSource = app.get(DataSource);
    const ledger = (await dataSource.query(
      `SELECT idempotency_key AS key, count(*)::int AS n FROM ledger_transactions
        WHERE idempotency_scope = 'payment' AND idempotency_key = ANY($1::text[]) GROUP BY idempotency_key`,
      [intents.map((intent) => `deposit:${intent.id}`)],
    )) as { key: string; n: number }[];
    expect(ledger).toHaveLength(DEPOSITS);
    expect(ledger.every((row) => row.n === 1)).toBe(true);
    const statuses = (await dataSource.query(
      `SELECT status, count(*)::int AS n FROM payment_intents WHERE user_id = $1 GROUP BY status`,
      [player.userId],
    )) as { status: string; n: number }[];
    expect(statuses).toEqual([{ status: 'succeeded', n: DEPOSITS }]);
    expect((await balances(app, player.userId)).cash).toBe(AMOUNT * BigInt(DEPOSITS));
    expect(await new WalletVerifier(dataSource).verify()).toMatchObject({ ok: true });
  }, 120_000);
});
