import { eventually } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { SessionService } from '../../src/modules/auth/sessions/session.service';
import { UsersService } from '../../src/modules/user/users.service';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88, type FakeHub88Game } from './support/fake-hub88';
import { passSecondFactor } from '../support/sign-in';
import { newPlayer, startGameTestApp } from './support/game-test-app';

interface GamePage {
  items: {
    id: string;
    gameCode: string;
    title: string;
    category: string;
    tags: string[];
    rtp: string | null;
    volatility: string | null;
  }[];
  nextCursor?: string;
}

describe('game catalog, provider registry and launch (e2e)', () => {
  const hub88 = new FakeHub88();
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let db: DataSource;
  let admin: Record<string, string>;

  const catalog: FakeHub88Game[] = [
    ...Array.from({ length: 25 }, (_, index) => ({
      game_code: `slot_${String(index).padStart(2, '0')}`,
      name: `Slot ${String(index).padStart(2, '0')}${index % 5 === 0 ? ' Dragon' : ''}`,
      category: 'slots',
      rtp: 96.1,
      volatility: 'high',
    })),
    { game_code: 'live_roulette', name: 'Live Roulette', category: 'live', demo_game_support: false },
    {
      game_code: 'demo_only',
      name: 'Fruit Demo',
      category: 'slots',
      demo_game_support: true,
      blocked_countries: ['GB'],
    },
  ];

  beforeAll(async () => {
    await hub88.start();
    hub88.games = catalog;
    environment = await createTestEnvironment('game-catalog', {
      ...hub88.settings(),
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '3600',
    });
    ({ app } = await startGameTestApp(environment.config));
    db = app.get(DataSource);
    const users = app.get(UsersService);
    const { account } = await users.findOrRegisterByEmail('game-admin@example.test', {
      ip: '203.0.113.9',
      userAgent: 'jest',
    });
    const staff = await users.grantRole(account.id, 'admin');
    const { accessToken } = await app
      .get(SessionService)
      .start(staff, 'email', { ip: '203.0.113.9', userAgent: 'jest' }, false);
    await passSecondFactor(app, accessToken, 'game-admin@example.test');
    admin = { authorization: `Bearer ${accessToken}` };
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  async function page(query: string): Promise<GamePage> {
    const response = await app.inject({ method: 'GET', url: `/api/v1/games?${query}` });
    expect(response.statusCode).toBe(200);
    return response.json<GamePage>();
  }

  it('syncs the provider game list at start through the BullMQ job, signed with the operator key', async () => {
    await eventually(async () => (await page('limit=100')).items.length === catalog.length, 15_000);
    const [game] = (await page('search=slot%2000')).items;
    expect(game).toMatchObject({ gameCode: 'slot_00', rtp: '96.10', volatility: 'high', category: 'slots' });
    expect(hub88.unsignedCalls).toBe(0);
  });

  it('browses without sign-in with filters, sorting and cursor pagination', async () => {
    expect((await page('category=live')).items.map((game) => game.gameCode)).toEqual(['live_roulette']);
    expect((await page('search=dragon&sort=title')).items.map((game) => game.gameCode)).toEqual([
      'slot_00',
      'slot_05',
      'slot_10',
      'slot_15',
      'slot_20',
    ]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const next = await page(`provider=hub88&sort=title&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...next.items.map((game) => game.title));
      cursor = next.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(catalog.length);
    expect(seen).toEqual([...seen].sort());
    const bad = await app.inject({ method: 'GET', url: '/api/v1/games?sort=title&cursor=garbage' });
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('GAME_CURSOR_INVALID');
  });

  it('lets staff tag, disable and enable a game, audited; players cannot', async () => {
    const [game] = (await page('search=live%20roulette')).items;
    const id = game?.id ?? '';
    const player = await newPlayer(app, 'not-staff');
    expect(
      (await app.inject({ method: 'POST', url: `/api/v1/admin/games/${id}/disable`, headers: player.headers }))
        .statusCode,
    ).toBe(403);
    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/games/${id}`,
      headers: admin,
      payload: { tags: ['hot'] },
    });
    expect(edited.statusCode).toBe(200);
    expect((await page('tag=hot')).items.map((item) => item.id)).toEqual([id]);
    expect(
      (await app.inject({ method: 'POST', url: `/api/v1/admin/games/${id}/disable`, headers: admin })).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/api/v1/games/${id}` })).statusCode).toBe(404);
    expect((await page('tag=hot')).items).toHaveLength(0);
    expect(
      (await app.inject({ method: 'POST', url: `/api/v1/admin/games/${id}/enable`, headers: admin })).statusCode,
    ).toBe(200);
    const audit = (await db.query(
      `SELECT action FROM audit_log WHERE target_type = 'game' AND target_id = $1 ORDER BY occurred_at`,
      [id],
    )) as { action: string }[];
    expect(audit.map((row) => row.action)).toEqual(['game.edit', 'game.disable', 'game.enable']);
  });

  it('keeps provider credentials encrypted at rest and write-only through the admin API', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/game-providers',
      headers: admin,
      payload: {
        code: 'bgaming',
        name: 'BGaming',
        protocol: 'actions',
        currencies: ['EUR'],
        credentials: { hmacSecret: 'hmac-secret-0123456789abcdef' },
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toContain('hmac-secret');
    expect(created.json()).toMatchObject({ code: 'bgaming', credentialKeys: ['hmacSecret'] });
    const stored = (await db.query(`SELECT credentials_encrypted FROM game_providers WHERE code = 'bgaming'`)) as {
      credentials_encrypted: string;
    }[];
    expect(stored[0]?.credentials_encrypted).toMatch(/^v1\./);
    expect(stored[0]?.credentials_encrypted).not.toContain('hmac-secret');
    const listed = await app.inject({ method: 'GET', url: '/api/v1/admin/game-providers', headers: admin });
    expect(listed.body).not.toContain('BEGIN');
    const hub88Record = listed
      .json<{ items: { code: string; credentialKeys: string[] }[] }>()
      .items.find((item) => item.code === 'hub88');
    expect(hub88Record?.credentialKeys.sort()).toEqual(['operatorId', 'operatorPrivateKeyPem', 'publicKeyPem']);

    const patch = (payload: Record<string, unknown>) =>
      app.inject({ method: 'PATCH', url: '/api/v1/admin/game-providers/bgaming', headers: admin, payload });
    const edited = await patch({ name: 'BGaming Europe', status: 'disabled' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ code: 'bgaming', name: 'BGaming Europe', status: 'disabled' });
    // Code and protocol identify a provider: they cannot be edited, and nothing else changes then.
    const renamed = await patch({ code: 'other', name: 'Renamed' });
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await patch({ protocol: 'hub88' })).statusCode).toBe(400);
    const shown = await app.inject({ method: 'GET', url: '/api/v1/admin/game-providers/bgaming', headers: admin });
    expect(shown.json()).toMatchObject({ name: 'BGaming Europe', protocol: 'actions' });
  });

  describe('launch', () => {
    async function launch(code: string, mode: 'real' | 'demo', headers: Record<string, string> = {}) {
      const [game] = (await db.query(`SELECT id FROM games WHERE game_code = $1`, [code])) as { id: string }[];
      return app.inject({
        method: 'POST',
        url: `/api/v1/games/${game?.id}/launch`,
        headers,
        payload: { mode, platform: 'mobile', language: 'en' },
      });
    }

    it('opens a demo without sign-in and without money, and refuses demo for games without it', async () => {
      const response = await launch('demo_only', 'demo');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        url: expect.stringMatching(/^https:\/\//),
        sessionId: expect.any(String),
      });
      const demoCall = hub88.launches[hub88.launches.length - 1]?.body;
      expect(demoCall).toMatchObject({
        currency: 'XXX',
        platform: 'GPL_MOBILE',
        game_code: 'demo_only',
        operator_id: 7,
      });
      expect(demoCall).not.toHaveProperty('token');
      expect((await launch('live_roulette', 'demo')).json<{ error: { code: string } }>().error.code).toBe(
        'GAME_DEMO_NOT_AVAILABLE',
      );
    });

    it('needs a sign-in for real money, and returns the session with a token of ≥128 bits that is stored only hashed', async () => {
      expect((await launch('slot_01', 'real')).statusCode).toBe(401);
      const player = await newPlayer(app, 'launcher', 1_000n);
      const response = await launch('slot_01', 'real', player.headers);
      expect(response.statusCode).toBe(200);
      const token = hub88.tokenOf(player.userId);
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
      const rows = (await db.query(`SELECT token_hash FROM game_sessions WHERE id = $1`, [
        response.json<{ sessionId: string }>().sessionId,
      ])) as {
        token_hash: string;
      }[];
      expect(rows[0]?.token_hash).not.toBe(token);
      const opened = (await db.query(
        `SELECT count(*)::int AS count FROM outbox_events WHERE event_type = 'game.session.opened'`,
      )) as {
        count: number;
      }[];
      expect(opened[0]?.count).toBeGreaterThanOrEqual(2);
    });

    it('refuses a country the game blocks, and asks for KYC past the AML deposit threshold', async () => {
      const blocked = await newPlayer(app, 'gb');
      await db.query(`UPDATE users SET country = 'GB' WHERE id = $1`, [blocked.userId]);
      expect((await launch('demo_only', 'real', blocked.headers)).json<{ error: { code: string } }>().error.code).toBe(
        'GAME_COUNTRY_BLOCKED',
      );
      const whale = await newPlayer(app, 'whale', BigInt(environment.config.GAME_KYC_DEPOSIT_THRESHOLD) * 100n);
      expect((await launch('slot_02', 'real', whale.headers)).json<{ error: { code: string } }>().error.code).toBe(
        'KYC_REQUIRED',
      );
      expect(await app.get(WalletService).walletsOfUser(whale.userId)).toHaveLength(1);
    });
  });
});
