import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EUR, balances, create, newPlayer, startPaymentSuite, verifyKyc, type PaymentSuite } from './payment-test-kit';

/** The compiled nest-app (npm test builds before Jest runs). */
const ENTRY = join(__dirname, '..', 'dist', 'main.js');

/** Forwards to the sandbox PSP, but never answers the first request to `stallPath` (the PSP call in flight at a kill). */
async function startStallingPsp(
  target: string,
  stallPath: string,
): Promise<{ server: Server; url: string; stalled: Promise<void> }> {
  let stalledOnce = false;
  let reached!: () => void;
  const stalled = new Promise<void>((resolve) => (reached = resolve));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === stallPath && !stalledOnce) {
        stalledOnce = true;
        reached();
        return;
      }
      void (async () => {
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'content-type', 'idempotency-key']) {
          const value = request.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const answer = await fetch(`${target}${request.url}`, {
          method: request.method,
          headers,
          body: request.method === 'GET' ? undefined : Buffer.concat(chunks),
        });
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stalled };
}

async function waitReady(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const ready = await fetch(`${origin}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the compiled nest-app was not ready');
}

describe('a payment request killed mid-way: its Idempotency-Key is taken over in seconds, nothing moved twice', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let psp: Awaited<ReturnType<typeof startStallingPsp>>;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-idem-kill', { WITHDRAWAL_APPROVAL_THRESHOLD: '1000000' });
    app = suite.app;
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await suite?.close();
    await new Promise((resolve) => psp?.server.close(resolve));
  });

  it('a withdrawal whose process was SIGKILLed during the payout call: the retry answers within seconds, one hold', async () => {
    psp = await startStallingPsp(suite.sandbox.url, '/v1/payouts');
    const port = (app.getHttpServer().address() as AddressInfo).port + 1;
    const origin = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [ENTRY], {
      env: {
        ...process.env,
        ...suite.environment.overrides,
        API_PORT: String(port),
        SANDBOX_PSP_URL: psp.url,
        OUTBOX_RELAY_ENABLED: 'false',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await waitReady(origin, child);

    const player = await newPlayer(app, 10_000n);
    await verifyKyc(app, player.userId);
    const key = randomUUID();
    const body = EUR('3000');
    const first = fetch(`${origin}/api/v1/payments/withdrawals`, {
      method: 'POST',
      headers: { ...player.headers, 'idempotency-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => 'no answer' as const);
    await psp.stalled;
    // The hold is taken, the intent waits for the payout: the owner of the key dies here.
    expect(await balances(app, player.userId)).toMatchObject({ cash: 7000n, held: 3000n });
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await first).toBe('no answer');

    const killedAt = Date.now();
    let retry = await create(app, player, 'withdrawals', body, key);
    while (retry.statusCode === 409 && Date.now() - killedAt < 20_000) {
      expect(retry.json().error.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      await new Promise((resolve) => setTimeout(resolve, 250));
      retry = await create(app, player, 'withdrawals', body, key);
    }
    // The old lease held the key for 60 s; the new one is 5 s without renewal.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(retry.statusCode).toBe(201);
    const intent = retry.json<{ id: string; status: string }>();
    // The intent the dead request left, resumed, not a second one; its hold placed once.
    const dataSource = app.get(DataSource);
    const intents = (await dataSource.query(`SELECT id, status FROM payment_intents WHERE user_id = $1`, [
      player.userId,
    ])) as { id: string; status: string }[];
    expect(intents).toEqual([{ id: intent.id, status: intent.status }]);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 7000n, held: 3000n });
    const holds = (await dataSource.query(
      `SELECT count(*)::int AS n FROM ledger_transactions WHERE idempotency_key LIKE $1`,
      [`%${intent.id}%`],
    )) as { n: number }[];
    expect(holds[0]?.n).toBe(1);

    // The stored result: the same answer again.
    const replay = await create(app, player, 'withdrawals', body, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(retry.json());
  }, 180_000);
});
