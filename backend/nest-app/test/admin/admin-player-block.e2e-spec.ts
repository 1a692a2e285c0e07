import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { seedEligiblePlayer } from '../../src/modules/user/eligibility/seed-eligible-player';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { SessionService } from '../../src/modules/auth/sessions/session.service';
import { UserDirectory } from '../../src/modules/user/user-directory';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { FakeHub88 } from '../game/support/fake-hub88';
import { availableOf, startGameTestApp } from '../game/support/game-test-app';
import { Hub88Client } from '../game/support/hub88-client';
import { bearer, readEmailCode, requestEmailCode, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

interface ErrorBody {
  error: { code: string };
}

const GAME = 'clt_dragonrising';
const EUR = (units: number): number => units * 100_000; // Hub88 amounts are ×100000 (reference hub88-wallet-api.md §2)

/**
 * A blocked player (docs/roles.md, ADR 0018): sign-in, bets, deposits and withdrawals refused, every session ended at
 * once; Hub88 gets `RS_ERROR_USER_DISABLED` ("user locked or disabled and cannot place new bets", reference §5).
 */
describe('admin: blocking a player (e2e, ADR 0018)', () => {
  const hub88 = new FakeHub88();
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let db: DataSource;
  let client: Hub88Client;
  let risk: SignedIn;
  let support: SignedIn;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: GAME, name: 'Dragon Rising', category: 'slots', rtp: 96.5, volatility: 4 }];
    environment = await createTestEnvironment('admin-block', {
      ...hub88.settings(),
      ADMIN_EMAIL: adminEmail,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    ({ app } = await startGameTestApp(environment.config));
    db = app.get(DataSource);
    client = new Hub88Client(app, hub88);
    await app.get(CatalogSyncService).syncAll();
    risk = await signInAsStaff(app, adminEmail, 'risk');
    support = await signInAsStaff(app, adminEmail, 'support');
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  /**
   * A player with a live session (the auth module's SessionService: the one email sign-in a minute is kept for the
   * attempt after the block), €100.00, and the game launched: Hub88 holds their token.
   */
  async function playing(): Promise<SignedIn & { email: string; token: string }> {
    const email = uniqueEmail('player');
    const origin = { ip: '203.0.113.7', userAgent: 'jest-admin' };
    const { account } = await app.get(UserDirectory).findOrRegisterByEmail(email, origin);
    const tokens = await app.get(SessionService).start(account, 'email', origin, false);
    const player = { ...tokens, userId: account.id };
    await seedEligiblePlayer(app, account.id, 'test');
    const wallets = app.get(WalletService);
    await wallets.openWallet(player.userId, 'EUR');
    await wallets.deposit({
      idempotency: { scope: 'test', key: randomUUID() },
      wallet: { userId: player.userId },
      currency: 'EUR',
      amount: 10_000n,
      provider: 'test-psp',
    });
    const [game] = (await db.query(`SELECT id FROM games WHERE game_code = $1`, [GAME])) as { id: string }[];
    const launch = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${game?.id}/launch`,
      headers: bearer(player.accessToken),
      payload: { mode: 'real', platform: 'desktop', language: 'en' },
    });
    expect(launch.statusCode).toBe(200);
    return { ...player, email, token: hub88.tokenOf(player.userId) };
  }

  function bet(player: { userId: string; token: string }) {
    return client.call('transaction/bet', {
      user: player.userId,
      transaction_uuid: randomUUID(),
      supplier_transaction_id: `sup-${randomUUID()}`,
      token: player.token,
      round: `round-${randomUUID()}`,
      round_closed: false,
      reward_uuid: null,
      is_free: false,
      game_code: GAME,
      currency: 'EUR',
      bet: null,
      amount: EUR(1),
      meta: null,
    });
  }

  function act(who: SignedIn, userId: string, verb: 'block' | 'unblock', reason = 'chargeback fraud, ticket 4711') {
    return app.inject({
      method: 'POST',
      url: `/api/v1/admin/players/${userId}/${verb}`,
      headers: bearer(who.accessToken),
      payload: { reason },
    });
  }

  async function signInAnswer(email: string): Promise<{ statusCode: number; code?: string }> {
    await requestEmailCode(app, email);
    const code = await readEmailCode(email);
    const response = await app.inject({ method: 'POST', url: '/api/v1/auth/email/verify', payload: { email, code } });
    return { statusCode: response.statusCode, code: response.json<Partial<ErrorBody>>().error?.code };
  }

  it('ends every session at once and refuses sign-in, bets, deposits and withdrawals; audited with before and after', async () => {
    const player = await playing();
    expect((await bet(player)).body.status).toBe('RS_OK');
    const secondDevice = await app.get(SessionService).list(player.userId);
    expect(secondDevice.length).toBeGreaterThan(0);

    const blocked = await act(risk, player.userId, 'block');
    expect(blocked.statusCode).toBe(200);
    expect(blocked.json<{ status: string }>().status).toBe('blocked');

    expect(await app.get(SessionService).list(player.userId)).toEqual([]);
    const me = await app.inject({ method: 'GET', url: '/api/v1/users/me', headers: bearer(player.accessToken) });
    expect(me.statusCode).toBe(401);
    const refreshed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: player.refreshToken },
    });
    expect(refreshed.statusCode).toBe(401);

    const before = await availableOf(app, player.userId);
    const refusedBet = await bet(player);
    expect(refusedBet.httpStatus).toBe(200);
    expect(refusedBet.body.status).toBe('RS_ERROR_USER_DISABLED');
    expect(await availableOf(app, player.userId)).toBe(before);

    expect(await signInAnswer(player.email)).toEqual({ statusCode: 403, code: 'ACCOUNT_NOT_ACTIVE' });

    // Even a session that somehow survived could move no money: the payment gates check the status too.
    const account = await app.get(UserDirectory).findById(player.userId);
    const { accessToken } = await app
      .get(SessionService)
      .start(account!, 'email', { ip: '203.0.113.5', userAgent: 'jest' }, false);
    for (const kind of ['deposits', 'withdrawals']) {
      const payment = await app.inject({
        method: 'POST',
        url: `/api/v1/payments/${kind}`,
        headers: { ...bearer(accessToken), 'idempotency-key': randomUUID() },
        payload: { amount: '1000', currency: 'EUR', provider: 'sandbox' },
      });
      expect([kind, payment.json<ErrorBody>().error.code]).toEqual([kind, 'ACCOUNT_NOT_ACTIVE']);
    }
    expect(await availableOf(app, player.userId)).toBe(before);

    const audit = (await db.query(
      `SELECT action, actor_id, details FROM audit_log WHERE target_id = $1 AND action IN ('player.block', 'user.session.revoke_all')
        ORDER BY occurred_at`,
      [player.userId],
    )) as { action: string; actor_id: string; details: Record<string, unknown> }[];
    expect(audit.map((row) => [row.action, row.actor_id])).toEqual([
      ['player.block', risk.userId],
      ['user.session.revoke_all', risk.userId],
    ]);
    expect(audit[0]?.details).toMatchObject({
      reason: 'chargeback fraud, ticket 4711',
      before: { status: 'active' },
      after: { status: 'blocked' },
    });
  });

  it('lets the player back in after an unblock, audited', async () => {
    const player = await playing();
    expect((await act(risk, player.userId, 'block')).statusCode).toBe(200);
    // A repeated block changes nothing and records nothing new.
    expect((await act(risk, player.userId, 'block')).statusCode).toBe(200);
    const unblocked = await act(risk, player.userId, 'unblock', 'chargeback withdrawn by the bank');
    expect(unblocked.json<{ status: string }>().status).toBe('active');
    expect((await act(risk, player.userId, 'unblock')).json<ErrorBody>().error.code).toBe('PLAYER_STATUS_UNCHANGED');
    expect((await signInAnswer(player.email)).statusCode).toBe(200);
    const actions = (await db.query(
      `SELECT action, details -> 'after' ->> 'status' AS after FROM audit_log WHERE target_id = $1 AND action LIKE 'player.%'
        ORDER BY occurred_at`,
      [player.userId],
    )) as { action: string; after: string }[];
    expect(actions).toEqual([
      { action: 'player.block', after: 'blocked' },
      { action: 'player.unblock', after: 'active' },
    ]);
  });

  it('refuses a block to roles without the permission, without a reason, of oneself, of staff by non-admins, of nobody', async () => {
    const player = await playing();
    expect((await act(support, player.userId, 'block')).json<ErrorBody>().error.code).toBe('FORBIDDEN');
    expect((await act(risk, player.userId, 'block', '')).json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
    expect((await act(risk, risk.userId, 'block')).statusCode).toBe(422);
    expect((await act(risk, support.userId, 'block')).json<ErrorBody>().error.code).toBe('FORBIDDEN');
    expect((await act(risk, randomUUID(), 'block')).json<ErrorBody>().error.code).toBe('USER_NOT_FOUND');
    expect((await bet(player)).body.status).toBe('RS_OK');
    expect(await app.get(SessionService).list(player.userId)).not.toEqual([]);
  });
});
