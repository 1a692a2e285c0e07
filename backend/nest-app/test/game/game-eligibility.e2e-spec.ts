import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { KycService } from '../../src/modules/user/kyc/kyc.service';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88 } from './support/fake-hub88';
import { availableOf, newPlayer, startGameTestApp, type TestPlayer } from './support/game-test-app';
import { Hub88Client } from './support/hub88-client';

/**
 * Real-money eligibility on launches and Hub88 bets (docs/operations.md, "Real-money eligibility"): the current
 * terms and privacy versions accepted and the age verified (UKGC: before a customer deposits or gambles,
 * ../shared/reference/responsible-gaming.md). A bet of an ineligible player is refused with RS_ERROR_USER_DISABLED
 * ("cannot place new bets", ../shared/reference/hub88-wallet-api.md §5); demo launches stay open.
 */
const GAME = 'clt_eligibility';
const EUR = (units: number): number => units * 100_000;

interface Refusal {
  error: { code: string; details: { missing: string[]; currentVersions?: Record<string, string> } };
}

describe('real-money eligibility of launches and bets (e2e)', () => {
  const hub88 = new FakeHub88();
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let client: Hub88Client;
  let db: DataSource;
  let config: AppConfig;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: GAME, name: 'Eligibility', category: 'slots', demo_game_support: true }];
    environment = await createTestEnvironment('game-eligibility', {
      ...hub88.settings(),
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    ({ app } = await startGameTestApp(environment.config));
    client = new Hub88Client(app, hub88);
    db = app.get(DataSource);
    config = app.get(AppConfig);
    await app.get(CatalogSyncService).syncAll();
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  afterEach(() => {
    config.CONSENT_TERMS_VERSION = '1';
  });

  async function launch(player: TestPlayer, mode: 'real' | 'demo' = 'real') {
    const [game] = (await db.query(`SELECT id FROM games WHERE game_code = $1`, [GAME])) as { id: string }[];
    return app.inject({
      method: 'POST',
      url: `/api/v1/games/${game?.id}/launch`,
      headers: player.headers,
      payload: { mode, platform: 'desktop', language: 'en' },
    });
  }

  async function sessionsOf(userId: string): Promise<number> {
    const rows = (await db.query(`SELECT count(*)::int AS n FROM game_sessions WHERE user_id = $1`, [userId])) as {
      n: number;
    }[];
    return rows[0]?.n ?? 0;
  }

  async function accept(player: TestPlayer, kinds: ('terms' | 'privacy')[]) {
    const consents = kinds.map((kind) => ({
      kind,
      version: kind === 'terms' ? config.CONSENT_TERMS_VERSION : config.CONSENT_PRIVACY_VERSION,
      granted: true,
    }));
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/users/me/consents',
      headers: player.headers,
      payload: { consents },
    });
    expect(response.statusCode).toBe(200);
  }

  async function eligibility(player: TestPlayer): Promise<{ eligible: boolean; missing: string[] }> {
    const response = await app.inject({ method: 'GET', url: '/api/v1/users/me/eligibility', headers: player.headers });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function bet(player: { userId: string; token: string }, fields: Record<string, unknown> = {}) {
    const body = {
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
      ...fields,
    };
    return { ...(await client.call('transaction/bet', body)), request: body };
  }

  /** An eligible player with €100.00 in a real-money session. */
  async function playing(label: string): Promise<TestPlayer & { token: string }> {
    const player = await newPlayer(app, label, 10_000n);
    expect((await launch(player)).statusCode).toBe(200);
    return { ...player, token: hub88.tokenOf(player.userId) };
  }

  describe('launch', () => {
    it('refuses a real-money launch without the current terms (409 TERMS_NOT_ACCEPTED), opens no session', async () => {
      const player = await newPlayer(app, 'no-terms', 10_000n, 'EUR', false);
      const response = await launch(player);
      expect(response.statusCode).toBe(409);
      expect(response.json<Refusal>().error).toMatchObject({
        code: 'TERMS_NOT_ACCEPTED',
        details: { missing: ['terms', 'privacy', 'birth_date', 'age_verification'], currentVersions: { terms: '1' } },
      });
      expect(await sessionsOf(player.userId)).toBe(0);
      expect(hub88.launches.filter((call) => call.body['user'] === player.userId)).toHaveLength(0);
    });

    it('refuses it without a verified age (403 AGE_NOT_VERIFIED): no birth date, then a birth date not verified', async () => {
      const player = await newPlayer(app, 'no-age', 10_000n, 'EUR', false);
      await accept(player, ['terms', 'privacy']);
      const noBirthDate = await launch(player);
      expect(noBirthDate.statusCode).toBe(403);
      expect(noBirthDate.json<Refusal>().error).toMatchObject({
        code: 'AGE_NOT_VERIFIED',
        details: { missing: ['birth_date', 'age_verification'] },
      });
      const patched = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: player.headers,
        payload: { birthDate: '1991-04-02' },
      });
      expect(patched.statusCode).toBe(200);
      const unverified = await launch(player);
      expect(unverified.statusCode).toBe(403);
      expect(unverified.json<Refusal>().error).toMatchObject({
        code: 'AGE_NOT_VERIFIED',
        details: { missing: ['age_verification'] },
      });
      expect(await sessionsOf(player.userId)).toBe(0);
      expect(await eligibility(player)).toMatchObject({ eligible: false, missing: ['age_verification'] });
    });

    it('launches once terms are accepted, a birth date is on file and the KYC check verified it', async () => {
      const player = await newPlayer(app, 'verified', 10_000n, 'EUR', false);
      await accept(player, ['terms', 'privacy']);
      await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: player.headers,
        payload: { birthDate: '1985-11-30' },
      });
      const kyc = app.get(KycService);
      await kyc.startCheck(player.userId, 'basic');
      await kyc.decide(
        { userId: randomUUID(), roles: ['compliance'], sessionId: 'eligibility-suite' },
        player.userId,
        { status: 'verified', level: 'basic', reason: 'passport checked' },
        { ip: '127.0.0.1', userAgent: 'jest', requestId: 'eligibility-suite' },
      );
      expect(await eligibility(player)).toEqual(expect.objectContaining({ eligible: true, missing: [] }));
      expect((await launch(player)).statusCode).toBe(200);
      expect(await sessionsOf(player.userId)).toBe(1);
    });

    it('keeps demo launches open to a player who is not eligible', async () => {
      const player = await newPlayer(app, 'demo', 0n, 'EUR', false);
      expect((await launch(player, 'demo')).statusCode).toBe(200);
    });

    it('asks a player who accepted the old terms to accept the new version before the next launch', async () => {
      const player = await newPlayer(app, 'new-terms', 10_000n);
      expect((await launch(player)).statusCode).toBe(200);
      config.CONSENT_TERMS_VERSION = '2';
      const refused = await launch(player);
      expect(refused.statusCode).toBe(409);
      expect(refused.json<Refusal>().error.details).toMatchObject({
        missing: ['terms'],
        currentVersions: { terms: '2' },
      });
      await accept(player, ['terms']);
      expect((await launch(player)).statusCode).toBe(200);
    });
  });

  describe('Hub88 bets', () => {
    it('refuses the next bet of a session opened before a terms change with RS_ERROR_USER_DISABLED, until accepted', async () => {
      const player = await playing('bet-terms');
      const before = await bet(player);
      expect(before.body).toMatchObject({ status: 'RS_OK', balance: EUR(99) });
      config.CONSENT_TERMS_VERSION = '2';
      const refused = await bet(player);
      expect(refused.body).toMatchObject({ status: 'RS_ERROR_USER_DISABLED' });
      const free = await bet(player, { is_free: true, amount: 0 });
      expect(free.body).toMatchObject({ status: 'RS_ERROR_USER_DISABLED' });
      expect(await availableOf(app, player.userId)).toBe(9_900n);
      // The round already open still settles: wins are never gated.
      const win = await client.call('transaction/win', {
        user: player.userId,
        transaction_uuid: randomUUID(),
        supplier_transaction_id: `sup-${randomUUID()}`,
        token: player.token,
        round: before.request.round,
        round_closed: true,
        reward_uuid: null,
        reference_transaction_uuid: before.request.transaction_uuid,
        is_free: false,
        game_code: GAME,
        currency: 'EUR',
        bet: null,
        amount: EUR(3),
        meta: null,
      });
      expect(win.body).toMatchObject({ status: 'RS_OK', balance: EUR(102) });
      await accept(player, ['terms']);
      expect((await bet(player)).body).toMatchObject({ status: 'RS_OK', balance: EUR(101) });
    });

    it('refuses a bet with RS_ERROR_USER_DISABLED when the session’s player has no verified age on file', async () => {
      const player = await playing('bet-age');
      // A session opened before the rule, or a birth date removed by a data correction: the next bet decides.
      await db.query(`UPDATE users SET birth_date = NULL WHERE id = $1`, [player.userId]);
      expect((await bet(player)).body).toMatchObject({ status: 'RS_ERROR_USER_DISABLED' });
      await db.query(
        `UPDATE users SET birth_date = '1990-01-01', age_verified_at = NULL, age_verified_by = NULL
                      WHERE id = $1`,
        [player.userId],
      );
      expect((await bet(player)).body).toMatchObject({ status: 'RS_ERROR_USER_DISABLED' });
      expect(await availableOf(app, player.userId)).toBe(10_000n);
    });

    it('accepts the bets of an eligible player', async () => {
      const player = await playing('bet-ok');
      expect((await bet(player)).body).toMatchObject({ status: 'RS_OK', balance: EUR(99) });
      expect((await bet(player, { is_free: true, amount: 0 })).body).toMatchObject({ status: 'RS_OK' });
    });
  });
});
