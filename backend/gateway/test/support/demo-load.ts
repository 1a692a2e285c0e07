import { eventually } from '@casino/platform/testing';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readEmailCode } from '../../../nest-app/test/support/sign-in';
import type { FakeHub88 } from '../../../nest-app/test/game/support/fake-hub88';
import { PushSocket } from './push-client';

/** Hub88 amounts are ×100000 a euro (reference §2). */
const HUB88_EURO = 100_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A client of the platform through its gateway, from loopback address `from` (the gateway limits per address). */
export class DemoClient {
  public constructor(
    private readonly gatewayUrl: string,
    private readonly from = '127.0.0.1',
  ) {}

  public async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    return this.send('POST', path, raw, { 'content-type': 'application/json', ...headers });
  }

  public async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send('GET', path, undefined, headers);
  }

  private send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        `${this.gatewayUrl}${path}`,
        { method, headers, localAddress: this.from },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
            }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

function expectStatus(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

/**
 * A player's sign-in by emailed code the way a careless one goes: a code asked for twice (the second refused,
 * RATE_LIMITED), a wrong code (a `sign_in.failed` security event), then the right one; the access token.
 */
export async function signInByEmail(client: DemoClient, email: string): Promise<string> {
  expectStatus(await client.post('/api/v1/auth/email/start', { email }), 202, 'email/start');
  expectStatus(await client.post('/api/v1/auth/email/start', { email }), 429, 'email/start again');
  const code = await readEmailCode(email, 20_000);
  const wrong = code === '000000' ? '111111' : '000000';
  expectStatus(await client.post('/api/v1/auth/email/verify', { email, code: wrong }), 401, 'a wrong code');
  const verified = expectStatus(await client.post('/api/v1/auth/email/verify', { email, code }), 200, 'email/verify');
  return String(verified.body['accessToken']);
}

/**
 * A deposit paid on the sandbox PSP's hosted page: its signed webhook reaches nest-app through the gateway, the
 * ledger credits the wallet and the player's open stream gets the push. A second deposit is left open (not paid).
 */
export async function depositThroughSandbox(client: DemoClient, token: string, gatewayUrl: string): Promise<void> {
  const socket = await PushSocket.open(gatewayUrl, token);
  try {
    const headers = { authorization: `Bearer ${token}` };
    const open = async (amount: string): Promise<{ id: string; url: string }> => {
      const created = expectStatus(
        await client.post(
          '/api/v1/payments/deposits',
          { amount, currency: 'EUR', provider: 'sandbox' },
          { ...headers, 'idempotency-key': randomUUID() },
        ),
        201,
        'a deposit',
      );
      const nextAction = created.body['nextAction'] as { url: string };
      return { id: String(created.body['id']), url: nextAction.url };
    };
    const paid = await open('2500');
    const approved = await fetch(`${paid.url}/approve`, { method: 'POST' });
    if (approved.status !== 200) throw new Error(`the hosted page answered ${approved.status}`);
    const paidOf = async (): Promise<boolean> =>
      (await client.get(`/api/v1/payments/${paid.id}`, headers)).body['status'] === 'succeeded';
    await eventually(paidOf, 15_000);
    await socket.next((message) => message.type !== 'stream.ready', 15_000);
    await open('1000');
  } finally {
    socket.close();
  }
}

/** A webhook that claims to come from the sandbox PSP with a signature it never made. */
export async function forgedSandboxWebhook(client: DemoClient): Promise<void> {
  const forged = await client.post(
    '/api/v1/payments/webhooks/sandbox',
    { id: `evt_${randomUUID()}`, type: 'payment_intent.succeeded' },
    { 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
  );
  expectStatus(forged, 400, 'a forged webhook');
}

/** Hub88's wallet calls for one seeded player: a bet and its win, a bet over the balance, a call with a bad signature. */
export async function hub88Round(
  client: DemoClient,
  hub88: FakeHub88,
  player: { userId: string; gameCode: string },
): Promise<void> {
  const token = hub88.tokenOf(player.userId);
  const call = async (path: string, fields: Record<string, unknown>, sign = true): Promise<string> => {
    const raw = JSON.stringify({ ...fields, request_uuid: randomUUID() });
    const signature = sign ? hub88.sign(raw) : 'bad';
    const answer = await client.post(`/api/v1/providers/hub88/${path}`, raw, { 'x-hub88-signature': signature });
    return String(answer.body['status']);
  };
  const bet = randomUUID();
  const round = {
    user: player.userId,
    token,
    round: `round-${bet}`,
    reward_uuid: null,
    is_free: false,
    is_supplier_promo: false,
    game_code: player.gameCode,
    currency: 'EUR',
    bet: null,
    meta: null,
  };
  const betFields = { ...round, transaction_uuid: bet, supplier_transaction_id: `s-${bet}`, round_closed: false };
  const answers = [
    await call('transaction/bet', { ...betFields, amount: 2 * HUB88_EURO }),
    await call('transaction/win', {
      ...round,
      transaction_uuid: `win-${bet}`,
      supplier_transaction_id: `s-w-${bet}`,
      reference_transaction_uuid: bet,
      round_closed: true,
      amount: 3 * HUB88_EURO,
    }),
    await call('transaction/bet', {
      ...betFields,
      transaction_uuid: randomUUID(),
      round: `round-${randomUUID()}`,
      amount: 1e9 * HUB88_EURO,
    }),
    await call('transaction/bet', { ...betFields, transaction_uuid: randomUUID(), amount: HUB88_EURO }, false),
  ];
  const expected = ['RS_OK', 'RS_OK', 'RS_ERROR_NOT_ENOUGH_MONEY', 'RS_ERROR_INVALID_SIGNATURE'];
  if (JSON.stringify(answers) !== JSON.stringify(expected)) throw new Error(`Hub88 answers: ${answers.join(', ')}`);
}

/**
 * An abuser at one address: a forged bearer token (refused at the edge), then code requests for ever new addresses
 * until nest-app's per-address code limit (`codeLimit`) refuses them, then the gateway's sign-in limit.
 */
export async function abuse(client: DemoClient, codeLimit: number, edgeLimit: number): Promise<void> {
  const forged = await client.get('/api/v1/users/me', { authorization: 'Bearer forged.token.value' });
  expectStatus(forged, 401, 'a forged token');
  const emails = Array.from({ length: edgeLimit + 1 }, () => `abuse-${randomUUID()}@example.test`);
  const statuses: number[] = [];
  for (const email of emails) statuses.push((await client.post('/api/v1/auth/email/start', { email })).status);
  const expected = emails.map((_, index) => (index < codeLimit ? 202 : 429));
  if (JSON.stringify(statuses) !== JSON.stringify(expected)) throw new Error(`code requests: ${statuses.join(', ')}`);
  // The codes that were sent leave the shared MailDev.
  for (const email of emails.slice(0, codeLimit)) await readEmailCode(email, 20_000);
}
