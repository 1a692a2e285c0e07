import { EVENT_BUS, type EventBus } from '@casino/platform';
import { eventually } from '@casino/platform/testing';
import type { UserRegisteredEvent } from '@casino/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { bearer, signIn, signInAsStaff, uniqueEmail, type SignedIn } from './support/sign-in';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import { walletKit, type WalletKit } from './wallet-test-kit';

interface BalanceBody {
  walletId: string;
  currency: string;
  cash: string;
  bonus: string;
  held: string;
  available: string;
}

describe('wallet API (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;
  let player: SignedIn;
  let finance: SignedIn;
  let walletId: string;

  beforeAll(async () => {
    const adminEmail = uniqueEmail('admin');
    environment = await createTestEnvironment('walletapi', { ADMIN_EMAIL: adminEmail, OUTBOX_RELAY_INTERVAL_MS: '20' });
    app = await startTestApp(environment.config);
    kit = walletKit(app);
    player = await signIn(app);
    finance = await signInAsStaff(app, adminEmail, 'finance');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  async function myWallets(): Promise<BalanceBody[]> {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/wallets/me',
      headers: bearer(player.accessToken),
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ wallets: BalanceBody[] }>().wallets;
  }

  it('opens the wallet of a newly registered player from user.registered', async () => {
    await eventually(async () => (await myWallets()).length === 1, 20_000);
    const [wallet] = await myWallets();
    expect(wallet).toMatchObject({ cash: '0', bonus: '0', held: '0', available: '0' });
    walletId = wallet?.walletId ?? '';
  });

  it('opens a wallet once however often user.registered is delivered', async () => {
    const userId = randomUUID();
    const event: UserRegisteredEvent = {
      id: randomUUID(),
      type: 'user.registered',
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: userId,
      payload: { userId, currency: 'USD', registeredAt: new Date().toISOString() },
    };
    const bus = app.get<EventBus>(EVENT_BUS);
    await bus.publish('user', event);
    await bus.publish('user', { ...event, id: randomUUID() });
    await eventually(async () => (await kit.wallets.walletsOfUser(userId)).length === 1, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const wallets = await kit.wallets.walletsOfUser(userId);
    expect(wallets.map((wallet) => wallet.balances.currency)).toEqual(['USD']);
  });

  it('opens a wallet in the new currency when a player changes currency before depositing', async () => {
    const newcomer = await signIn(app);
    const wallets = async (): Promise<string[]> =>
      (await kit.wallets.walletsOfUser(newcomer.userId)).map((wallet) => wallet.balances.currency).sort();
    await eventually(async () => (await wallets()).length === 1, 20_000);
    const changed = await app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: bearer(newcomer.accessToken),
      payload: { currency: 'GBP' },
    });
    expect(changed.statusCode).toBe(200);
    // user.currency.changed goes out through the outbox and the relay; the wallet module consumes it.
    await eventually(async () => (await wallets()).includes('GBP'), 20_000);
    expect(await wallets()).toEqual(['EUR', 'GBP']);
  });

  it('lists the player’s transactions newest first, by type and date, a cursor page at a time', async () => {
    const currency = (await myWallets())[0]?.currency ?? 'EUR';
    const base = { wallet: { walletId }, currency, provider: 'hub88' };
    await kit.wallets.deposit({ ...base, amount: 10_000n, provider: 'testpsp', idempotency: kit.key() });
    const bets: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      bets.push(
        (await kit.wallets.placeBet({ ...base, amount: BigInt(100 + index), idempotency: kit.key() })).transactionId,
      );
      await kit.wallets.settleWin({ ...base, amount: 1n, idempotency: kit.key() });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/wallets/me/transactions',
        query: { type: 'bet', limit: '2', ...(cursor ? { cursor } : {}) },
        headers: bearer(player.accessToken),
      });
      expect(response.statusCode).toBe(200);
      const page = response.json<{ items: { id: string; type: string; amount: string }[]; nextCursor?: string }>();
      expect(page.items.every((item) => item.type === 'bet')).toBe(true);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...bets].reverse());
    const empty = await app.inject({
      method: 'GET',
      url: '/api/v1/wallets/me/transactions',
      query: { to: '2000-01-01T00:00:00Z' },
      headers: bearer(player.accessToken),
    });
    expect(empty.json<{ items: unknown[] }>().items).toEqual([]);
    const invalid = await app.inject({
      method: 'GET',
      url: '/api/v1/wallets/me/transactions',
      query: { type: 'lottery' },
      headers: bearer(player.accessToken),
    });
    expect(invalid.statusCode).toBe(400);
  });

  it('lets finance staff view and adjust a wallet, idempotently and audited; not players', async () => {
    const view = await app.inject({
      method: 'GET',
      url: `/api/v1/wallets/${walletId}`,
      headers: bearer(finance.accessToken),
    });
    expect(view.statusCode).toBe(200);
    const before = BigInt(view.json<BalanceBody>().cash);
    const forbidden = await app.inject({
      method: 'GET',
      url: `/api/v1/wallets/${walletId}`,
      headers: bearer(player.accessToken),
    });
    expect(forbidden.statusCode).toBe(403);

    const adjust = (key: string | undefined, amount: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/wallets/${walletId}/adjustments`,
        headers: { ...bearer(finance.accessToken), ...(key ? { 'idempotency-key': key } : {}) },
        payload: { amount, reason: 'goodwill' },
      });
    expect((await adjust(undefined, '500')).statusCode).toBe(400);
    expect((await adjust('adj-key-0001', '5.00')).statusCode).toBe(400);
    const first = await adjust('adj-key-0001', '500');
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ replayed: false, balances: { cash: String(before + 500n) } });
    const again = await adjust('adj-key-0001', '500');
    expect(again.json()).toMatchObject({
      transactionId: first.json<{ transactionId: string }>().transactionId,
      replayed: true,
    });
    const reused = await adjust('adj-key-0001', '501');
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    const overdraw = await adjust('adj-key-0002', `-${before + 501n}`);
    expect(overdraw.statusCode).toBe(422);
    expect(overdraw.json()).toMatchObject({ error: { code: 'INSUFFICIENT_FUNDS' } });
    expect((await kit.wallets.wallet(walletId)).balances.cash).toBe(before + 500n);
    const audit = (await kit.dataSource.query(
      `SELECT actor_id, details ->> 'amount' AS amount FROM audit_log WHERE action = 'wallet.adjust' AND target_id = $1`,
      [walletId],
    )) as { actor_id: string; amount: string }[];
    expect(audit).toEqual([{ actor_id: finance.userId, amount: '500' }]);

    const byPlayer = await app.inject({
      method: 'POST',
      url: `/api/v1/wallets/${walletId}/adjustments`,
      headers: { ...bearer(player.accessToken), 'idempotency-key': 'adj-key-0003' },
      payload: { amount: '1', reason: 'self-service' },
    });
    expect(byPlayer.statusCode).toBe(403);
    const missing = await app.inject({
      method: 'GET',
      url: `/api/v1/wallets/${randomUUID()}`,
      headers: bearer(finance.accessToken),
    });
    expect(missing.statusCode).toBe(404);
  });
});
