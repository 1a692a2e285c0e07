import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import {
  actOnPaymentPage,
  balances,
  newPlayer,
  openDeposit,
  pspPaymentOf,
  startPaymentSuite,
  waitForBalance,
  type PaymentSuite,
} from './payment-test-kit';

interface Received {
  eventId: string;
  type: string;
  objectId: string;
  timestamp: string;
  answered: number;
}

/**
 * Stands between the sandbox PSP and nest-app: answers 500 while `down` (nest-app failing or away), else forwards
 * the signed request as it came. Records what arrived.
 */
async function startFront(
  target: () => string,
): Promise<{ server: Server; url: string; down: boolean; received: Received[] }> {
  const front = { server: undefined as unknown as Server, url: '', down: true, received: [] as Received[] };
  front.server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(body) as { id: string; type: string; data: { object: { id: string } } };
        let answered = 500;
        if (!front.down) {
          const forwarded = await fetch(target(), { method: 'POST', headers: forwardable(request.headers), body });
          answered = forwarded.status;
        }
        front.received.push({
          eventId: event.id,
          type: event.type,
          objectId: event.data.object.id,
          timestamp: /t=(\d+)/.exec(String(request.headers['stripe-signature']))?.[1] ?? '',
          answered,
        });
        response.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
      })();
    });
  });
  await new Promise<void>((resolve) => front.server.listen(0, '127.0.0.1', resolve));
  front.url = `http://127.0.0.1:${(front.server.address() as AddressInfo).port}/webhooks`;
  return front;
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  return {
    'content-type': String(headers['content-type']),
    'stripe-signature': String(headers['stripe-signature']),
  };
}

describe('sandbox PSP webhooks retried over an outage of the receiver (Stripe: exponential backoff for 3 days)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let front: Awaited<ReturnType<typeof startFront>>;

  beforeAll(async () => {
    // The schedule of the suite's sandbox, 200 ms doubling to at most 2 s apart, for up to 2 minutes.
    suite = await startPaymentSuite('payment-webhook-retry', {}, { webhookRetryWindowMs: 120_000 });
    app = suite.app;
    const address = app.getHttpServer().address() as AddressInfo;
    front = await startFront(() => `http://127.0.0.1:${address.port}/api/v1/payments/webhooks/sandbox`);
    suite.sandbox.psp.webhooks.setWebhookUrl(front.url);
  });

  afterAll(async () => {
    await suite?.close();
    await new Promise((resolve) => front?.server.close(resolve));
  });

  it('a deposit paid while nest-app answered 500 for 10 s is credited once, when it answers again, by a retry', async () => {
    const player = await newPlayer(app);
    const { id, page } = await openDeposit(app, player, '4200');
    front.down = true;
    await actOnPaymentPage(page, 'approve');
    // Longer than the old sender's 5 attempts over ~6 s.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect((await balances(app, player.userId)).cash).toBe(0n);
    front.down = false;

    await waitForBalance(app, player.userId, { cash: 4200n }, 15_000);
    await suite.sandbox.psp.webhooks.idle();
    const reference = pspPaymentOf(suite.sandbox, id).id;
    const succeeded = front.received.filter(
      (delivery) => delivery.objectId === reference && delivery.type === 'payment_intent.succeeded',
    );
    // One event, sent again and again under its own id, each attempt signed afresh, until nest-app took it.
    expect(new Set(succeeded.map((delivery) => delivery.eventId)).size).toBe(1);
    expect(succeeded.length).toBeGreaterThan(5);
    expect(new Set(succeeded.map((delivery) => delivery.timestamp)).size).toBeGreaterThan(3);
    expect(succeeded.filter((delivery) => delivery.answered === 500).length).toBe(succeeded.length - 1);
    expect(succeeded.at(-1)?.answered).toBe(200);

    const ledger = (await app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM ledger_transactions WHERE idempotency_scope = 'payment' AND idempotency_key = $1`,
        [`deposit:${id}`],
      )) as { n: number }[];
    expect(ledger[0]?.n).toBe(1);
    expect((await balances(app, player.userId)).cash).toBe(4200n);
  }, 60_000);
});
