import {
  EVENT_STREAMS,
  PAYMENT_INTENT_SUCCEEDED,
  sessionRecordKey,
  subjectFor,
  WALLET_TRANSACTION_COMPLETED,
  type DomainEventEnvelope,
  type EventStreamKey,
  type PaymentIntentEventV1,
  type WalletTransactionCompletedV1,
} from '@casino/contracts';
import { disposeIsolatedResources, uniqueTestId } from '@casino/platform/testing';
import { Redis } from 'ioredis';
import { sign } from 'jsonwebtoken';
import { connect, type NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { GatewayUnderTest } from './support/gateway-under-test';
import { PushEventStream, PushSocket, RefusedUpgrade, type Received } from './support/push-client';
import { UpstreamServer } from './support/upstream-server';

const SECRET = 'push-test-secret-of-at-least-32-characters';
const SESSION_CHECK_INTERVAL_MS = 300;
const MAX_STREAMS_PER_PLAYER = 3;

interface Player {
  userId: string;
  sessionId: string;
  token: string;
}

describe('gateway: live push over /ws and /api/v1/stream (e2e, real NATS and Redis)', () => {
  const id = uniqueTestId('gwpush');
  const settings = loadGatewayConfig({});
  let upstream: UpstreamServer;
  let gateway: GatewayUnderTest;
  let otherGateway: GatewayUnderTest;
  let redis: Redis;
  let nats: NatsConnection;
  /** As the outbox relay publishes: JetStream, the event id as message id. */
  const events = {
    publish: async (stream: EventStreamKey, event: DomainEventEnvelope) =>
      nats.jetstream().publish(subjectFor(id, stream, event.type), JSON.stringify(event), { msgID: event.id }),
  };
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    upstream = await UpstreamServer.start('api');
    const gatewaySettings = {
      GATEWAY_UPSTREAMS: upstream.origin,
      JWT_SECRET: SECRET,
      GATEWAY_PUSH_SESSION_CHECK_INTERVAL_MS: String(SESSION_CHECK_INTERVAL_MS),
      GATEWAY_PUSH_MAX_STREAMS_PER_PLAYER: String(MAX_STREAMS_PER_PLAYER),
    };
    gateway = await GatewayUnderTest.start(id, gatewaySettings);
    otherGateway = await GatewayUnderTest.start(id, gatewaySettings);
    // nest-app's session store: the same Redis and key prefix as the gateway's.
    redis = new Redis(settings.REDIS_URL, { keyPrefix: `${id}:` });
    nats = await connect({ servers: settings.NATS_URL.split(',') });
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await gateway?.close();
    await otherGateway?.close();
    await upstream?.kill();
    redis?.disconnect();
    await nats?.close();
    await disposeIsolatedResources(id, settings);
  });

  async function signedIn(options: { expiresIn?: number; secret?: string } = {}): Promise<Player> {
    const userId = randomUUID();
    const sessionId = randomUUID();
    await redis.hset(sessionRecordKey(sessionId), { userId, roles: 'player' });
    const token = sign({ roles: ['player'], sid: sessionId }, options.secret ?? SECRET, {
      algorithm: 'HS256',
      subject: userId,
      issuer: 'casino-nest-app',
      audience: 'casino-api',
      expiresIn: options.expiresIn ?? 900,
    });
    return { userId, sessionId, token };
  }

  async function socketOf(player: Player, on = gateway): Promise<PushSocket> {
    const socket = await PushSocket.open(on.url, player.token);
    open.push(socket);
    return socket;
  }

  async function streamOf(player: Player): Promise<PushEventStream> {
    const stream = await PushEventStream.open(gateway.url, player.token);
    open.push(stream);
    return stream;
  }

  async function balanceChange(player: Player, amount: string, cash: string): Promise<string> {
    const eventId = randomUUID();
    const payload: WalletTransactionCompletedV1 = {
      walletId: randomUUID(),
      userId: player.userId,
      transactionId: randomUUID(),
      transactionType: 'deposit',
      currency: 'EUR',
      amount,
      entries: [],
      balanceAfter: { cash, bonus: '0', held: '0', available: cash, currency: 'EUR' },
    };
    await events.publish(EVENT_STREAMS.WALLET, {
      id: eventId,
      type: WALLET_TRANSACTION_COMPLETED,
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: payload.walletId,
      payload,
    });
    return eventId;
  }

  const balanceOf = (eventId: string) => (message: Received) =>
    message.type === 'balance.changed' && message['eventId'] === eventId;

  it('pushes a player their own balance change, amounts as strings of minor units, and never another player’s', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const aliceSocket = await socketOf(alice);
    const bobSocket = await socketOf(bob);

    const bobsEvent = await balanceChange(bob, '2500', '2500');
    const alicesEvent = await balanceChange(alice, '123456789012345678', '123456789012345678');

    const received = await aliceSocket.next(balanceOf(alicesEvent));
    expect(received).toMatchObject({
      type: 'balance.changed',
      transaction: { type: 'deposit', amount: '123456789012345678', currency: 'EUR' },
      balance: { cash: '123456789012345678', bonus: '0', held: '0', available: '123456789012345678', currency: 'EUR' },
    });
    await bobSocket.next(balanceOf(bobsEvent));
    // One subscription delivers in publish order: Bob's event, published first, would have reached Alice before hers.
    expect(aliceSocket.ofType('balance.changed')).toHaveLength(1);
    expect(bobSocket.ofType('balance.changed').map((message) => message['eventId'])).toEqual([bobsEvent]);
  });

  it('pushes a payment status change', async () => {
    const player = await signedIn();
    const socket = await socketOf(player);
    const payload: PaymentIntentEventV1 = {
      intentId: randomUUID(),
      userId: player.userId,
      kind: 'deposit',
      provider: 'sandbox',
      amount: '5000',
      currency: 'EUR',
      status: 'succeeded',
      previousStatus: 'processing',
      cause: 'webhook:payment_intent.succeeded',
    };
    const event = {
      id: randomUUID(),
      type: PAYMENT_INTENT_SUCCEEDED,
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: payload.intentId,
      payload,
    };
    await events.publish(EVENT_STREAMS.PAYMENT, event);
    expect(await socket.next((message) => message.type === 'payment.status_changed')).toEqual({
      type: 'payment.status_changed',
      eventId: event.id,
      occurredAt: event.occurredAt,
      intentId: payload.intentId,
      kind: 'deposit',
      status: 'succeeded',
      previousStatus: 'processing',
      amount: '5000',
      currency: 'EUR',
    });
  });

  it('delivers the same message over the server-sent-events fallback', async () => {
    const player = await signedIn();
    const socket = await socketOf(player);
    const stream = await streamOf(player);
    const eventId = await balanceChange(player, '700', '1700');
    const overSse = await stream.next(balanceOf(eventId));
    expect(overSse).toEqual(await socket.next(balanceOf(eventId)));
    expect(overSse).toMatchObject({ balance: { cash: '1700' } });
  });

  it('serves a player from any gateway instance', async () => {
    const player = await signedIn();
    const onOther = await socketOf(player, otherGateway);
    const onFirst = await socketOf(player);
    const eventId = await balanceChange(player, '1', '1');
    await onOther.next(balanceOf(eventId));
    await onFirst.next(balanceOf(eventId));
  });

  const now = () => Math.floor(Date.now() / 1000);
  const unsigned = (claims: Record<string, unknown>) => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
  };

  it.each([
    [
      'forged (another secret)',
      async () => (await signedIn({ secret: 'another-secret-of-at-least-32-characters' })).token,
    ],
    ['expired', async () => (await signedIn({ expiresIn: -10 })).token],
    [
      'alg: none',
      async () => {
        const { userId, sessionId } = await signedIn();
        const claims = { sub: userId, sid: sessionId, iss: 'casino-nest-app', aud: 'casino-api', iat: now() };
        return unsigned({ ...claims, exp: now() + 900 });
      },
    ],
    [
      'of an ended session',
      async () => {
        const player = await signedIn();
        await redis.del(sessionRecordKey(player.sessionId));
        return player.token;
      },
    ],
    ['missing', async () => undefined],
  ])('refuses a token %s: no upgrade (401), and 401 on the event stream', async (_case, tokenOf) => {
    const token = await tokenOf();
    const refusal = await PushSocket.open(gateway.url, token).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RefusedUpgrade);
    expect((refusal as RefusedUpgrade).status).toBe(401);

    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const response = await gateway.send('GET', '/api/v1/stream', { headers });
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect(upstream.seenAt('/api/v1/stream')).toHaveLength(0);
  });

  it('closes both streams when the access token expires', async () => {
    const player = await signedIn({ expiresIn: 2 });
    const socket = await socketOf(player);
    const stream = await streamOf(player);
    const expiresAt = Date.parse(String(socket.messages[0]?.['expiresAt']));

    expect(await socket.untilClosed(5000)).toMatchObject({ code: 4401 });
    await stream.untilClosed(5000);
    expect(socket.closed?.at).toBeGreaterThanOrEqual(expiresAt);
    expect(socket.closed?.at).toBeLessThan(expiresAt + 1000);
    expect(socket.messages.at(-1)).toEqual({ type: 'stream.closed', reason: 'token_expired' });
    expect(stream.messages.at(-1)).toEqual({ type: 'stream.closed', reason: 'token_expired' });
  });

  it('closes the streams of a revoked session within the check interval, not another session’s', async () => {
    const player = await signedIn();
    const otherSession = await signedIn();
    const socket = await socketOf(player);
    const stream = await streamOf(player);
    const kept = await socketOf(otherSession);

    // What nest-app's SessionStore.end does on logout or revocation.
    await redis.del(sessionRecordKey(player.sessionId));
    const revokedAt = Date.now();
    expect(await socket.untilClosed(3000)).toMatchObject({ code: 4403 });
    await stream.untilClosed(3000);
    expect((socket.closed?.at ?? 0) - revokedAt).toBeLessThan(SESSION_CHECK_INTERVAL_MS + 500);
    expect(stream.messages.at(-1)).toEqual({ type: 'stream.closed', reason: 'session_revoked' });

    const eventId = await balanceChange(otherSession, '10', '10');
    await kept.next(balanceOf(eventId));
    expect(kept.closed).toBeUndefined();
  });

  it('refuses a stream past GATEWAY_PUSH_MAX_STREAMS_PER_PLAYER with 429, and takes one again once a stream ends', async () => {
    const player = await signedIn();
    const first = await socketOf(player);
    await socketOf(player);
    await streamOf(player);

    const refusal = await PushSocket.open(gateway.url, player.token).catch((error: unknown) => error);
    expect((refusal as RefusedUpgrade).status).toBe(429);
    const overSse = await gateway.send('GET', '/api/v1/stream', {
      headers: { authorization: `Bearer ${player.token}` },
    });
    expect(overSse.status).toBe(429);
    expect(overSse.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // Another player and another instance count on their own.
    await socketOf(await signedIn());
    await socketOf(player, otherGateway);

    first.close();
    await first.untilClosed();
    let reopened: PushSocket | undefined;
    for (let attempt = 0; attempt < 20 && !reopened; attempt += 1) {
      reopened = await PushSocket.open(gateway.url, player.token).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return undefined;
      });
    }
    expect(reopened).toBeDefined();
    reopened?.close();
  });
});
