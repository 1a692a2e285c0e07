import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { FakeHub88 } from '../game/support/fake-hub88';
import { startGameTestApp } from '../game/support/game-test-app';
import { bearer, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

interface StaffGame {
  id: string;
  gameCode: string;
  title: string;
  rtp: string | null;
  category: string;
  enabled: boolean;
  staffOwnedFields: string[];
}

interface ErrorBody {
  error: { code: string };
}

/** Staff edits of provider-owned game fields survive the catalogue sync until staff hand them back (ADR 0018). */
describe('admin: games and the catalogue sync (e2e, ADR 0018)', () => {
  const hub88 = new FakeHub88();
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let admin: SignedIn;
  let support: SignedIn;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [
      { game_code: 'clt_dragonrising', name: 'Dragon Rising', category: 'slots', rtp: 96.5, volatility: 4 },
      { game_code: 'evo_baccarat', name: 'Baccarat', category: 'live' },
    ];
    environment = await createTestEnvironment('admin-games', {
      ...hub88.settings(),
      ADMIN_EMAIL: adminEmail,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    ({ app } = await startGameTestApp(environment.config));
    await app.get(CatalogSyncService).syncAll();
    admin = await signInAsStaff(app, adminEmail);
    support = await signInAsStaff(app, adminEmail, 'support');
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  async function list(
    query: string,
    who: SignedIn = support,
  ): Promise<{ items: StaffGame[]; nextCursor: string | null }> {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/admin/games?${query}`,
      headers: bearer(who.accessToken),
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function byCode(code: string): Promise<StaffGame> {
    const found = (await list('limit=100')).items.find((game) => game.gameCode === code);
    if (!found) throw new Error(`no game ${code}`);
    return found;
  }

  it('keeps a title staff changed through the next sync, and gives it back to the provider on reset', async () => {
    const game = await byCode('clt_dragonrising');
    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/games/${game.id}`,
      headers: bearer(admin.accessToken),
      payload: { title: 'Dragon Rising (EU edition)' },
    });
    expect(edited.statusCode).toBe(200);
    expect((await byCode('clt_dragonrising')).staffOwnedFields).toEqual(['title']);

    hub88.games = [{ ...hub88.games[0]!, name: 'Dragon Rising II', rtp: 97.1 }, hub88.games[1]!];
    await app.get(CatalogSyncService).syncAll();
    expect(await byCode('clt_dragonrising')).toMatchObject({ title: 'Dragon Rising (EU edition)', rtp: '97.10' });

    const reset = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/games/${game.id}/reset-fields`,
      headers: bearer(admin.accessToken),
      payload: { fields: ['title'] },
    });
    expect(reset.json<StaffGame>().staffOwnedFields).toEqual([]);
    await app.get(CatalogSyncService).syncAll();
    expect(await byCode('clt_dragonrising')).toMatchObject({ title: 'Dragon Rising II', staffOwnedFields: [] });

    const audit = (await app
      .get(DataSource)
      .query(`SELECT action FROM audit_log WHERE target_type = 'game' AND target_id = $1 ORDER BY occurred_at`, [
        game.id,
      ])) as { action: string }[];
    expect(audit.map((row) => row.action)).toEqual(['game.edit', 'game.fields.reset']);
  });

  it('adds a game by hand, disabled by default, that a later catalogue entry with its code does not overwrite', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/games',
      headers: bearer(admin.accessToken),
      payload: {
        providerCode: 'hub88',
        gameCode: 'clt_house_roulette',
        title: 'House Roulette',
        category: 'table',
        rtp: '97.30',
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json<StaffGame>()).toMatchObject({ title: 'House Roulette', enabled: false, rtp: '97.30' });
    expect(created.json<StaffGame>().staffOwnedFields).toEqual(expect.arrayContaining(['title', 'category', 'rtp']));
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/games',
      headers: bearer(admin.accessToken),
      payload: { providerCode: 'hub88', gameCode: 'clt_house_roulette', title: 'Twice', category: 'table' },
    });
    expect(again.json<ErrorBody>().error.code).toBe('GAME_EXISTS');
    const unknownProvider = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/games',
      headers: bearer(admin.accessToken),
      payload: { providerCode: 'nope', gameCode: 'x', title: 'X', category: 'table' },
    });
    expect(unknownProvider.json<ErrorBody>().error.code).toBe('GAME_PROVIDER_NOT_FOUND');

    hub88.games = [
      ...hub88.games,
      { game_code: 'clt_house_roulette', name: 'Provider Roulette', category: 'live', rtp: 94 },
    ];
    await app.get(CatalogSyncService).syncAll();
    expect(await byCode('clt_house_roulette')).toMatchObject({
      title: 'House Roulette',
      category: 'table',
      rtp: '97.30',
    });

    const disabled = await list('enabled=false&provider=hub88');
    expect(disabled.items.map((game) => game.gameCode)).toContain('clt_house_roulette');
    const first = await list('limit=1&provider=hub88');
    const second = await list(`limit=1&provider=hub88&cursor=${first.nextCursor}`);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    const forbidden = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/games',
      headers: bearer(support.accessToken),
      payload: { providerCode: 'hub88', gameCode: 'y', title: 'Y', category: 'table' },
    });
    expect(forbidden.json<ErrorBody>().error.code).toBe('FORBIDDEN');
  });
});
