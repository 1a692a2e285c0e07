import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playRounds, randomScripts, seededRandom } from '../../../demo-provider/src/rounds';
import { buildServer, type DemoProvider } from '../../../demo-provider/src/server';
import { DataSource } from 'typeorm';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { demoProviderSeeder } from '../../src/modules/game/demo/demo-provider.seeder';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { availableOf, newPlayer, startGameTestApp } from './support/game-test-app';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The demo provider app plays 1,000 rounds with random retries and rollbacks over real HTTP. */
describe('demo provider against the operator (e2e)', () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'demo-provider-keys-'));
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let demo: DemoProvider;

  beforeAll(async () => {
    const demoPort = await freePort();
    environment = await createTestEnvironment('game-demo', {
      DEMO_PROVIDER_KEYS_DIR: keysDir,
      DEMO_PROVIDER_URL: `http://127.0.0.1:${demoPort}`,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    ({ app } = await startGameTestApp(environment.config));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const apiUrl = await app.getUrl();
    demo = buildServer({
      host: '127.0.0.1',
      port: demoPort,
      publicUrl: `http://127.0.0.1:${demoPort}`,
      operatorWalletUrl: `${apiUrl.replace('[::1]', '127.0.0.1')}/api/v1/providers/demo`,
      keysDir,
      operatorId: 1,
    });
    await demo.app.listen({ host: '127.0.0.1', port: demoPort });
    await demoProviderSeeder.seed(app);
  }, 60_000);

  afterAll(async () => {
    await demo?.app.close();
    await app?.close();
    await environment?.dispose();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('is registered by the seeder and its game list syncs through the signed games API', async () => {
    const [report] = await app.get(CatalogSyncService).syncAll();
    expect(report).toMatchObject({ provider: 'demo', received: 4 });
    expect(report?.error).toBeUndefined();
  });

  it('plays 1,000 rounds with retries and rollbacks; the balance is start + wins − standing bets and the ledger verifies', async () => {
    const player = await newPlayer(app, 'demo-rounds', 150_000n); // €1,500.00: below the KYC threshold
    const game = (await app.inject({ method: 'GET', url: '/api/v1/games?provider=demo&search=lucky' })).json<{
      items: { id: string }[];
    }>().items[0];
    const launched = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${game?.id}/launch`,
      headers: player.headers,
      payload: { mode: 'real', platform: 'desktop' },
    });
    expect(launched.statusCode).toBe(200);
    const launchUrl = new URL(launched.json<{ url: string }>().url);
    const launchId = launchUrl.pathname.split('/').pop() ?? '';
    // One spin through the game page the player would click.
    const spin = await fetch(`${launchUrl.origin}/play/${launchId}/spin`, { method: 'POST' });
    expect(spin.status).toBe(200);

    const session = demo.sessionOf(launchId);
    if (!session) throw new Error('the demo provider has no session for the launch');
    const start = await availableOf(app, player.userId);
    const scripts = randomScripts(1000, seededRandom(20251127));
    const summary = await playRounds(demo.wallet, session, scripts);

    expect(summary.anomalies).toEqual([]);
    expect(summary.rounds).toBe(1000);
    expect(summary.byScenario.retried).toBeGreaterThan(50);
    expect(summary.byScenario.lost_bet_response).toBeGreaterThan(30);
    expect(summary.byScenario.bet_never_arrived).toBeGreaterThan(10);
    // Hub88 units are ×100000; EUR minor units ×100: one cent is 1,000 Hub88 units.
    expect(Number.isInteger(summary.delta / 1000)).toBe(true);
    expect(await availableOf(app, player.userId)).toBe(start + BigInt(summary.delta / 1000));
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
    // Responsible gaming counts exactly what stands: bets and wins applied and not rolled back (real money only).
    const db = app.get(DataSource);
    const [standing] = (await db.query(
      `SELECT coalesce(sum(amount) FILTER (WHERE kind = 'bet'), 0)::text AS wagers,
              coalesce(sum(amount) FILTER (WHERE kind = 'win'), 0)::text AS wins
         FROM game_transactions WHERE user_id = $1 AND status = 'applied' AND NOT is_free`,
      [player.userId],
    )) as { wagers: string; wins: string }[];
    const [counted] = (await db.query(
      `SELECT coalesce(sum(wagers), 0)::text AS wagers, coalesce(sum(wins), 0)::text AS wins
         FROM rg_activity_daily WHERE user_id = $1`,
      [player.userId],
    )) as { wagers: string; wins: string }[];
    expect(counted).toEqual(standing);
    expect(BigInt(standing?.wagers ?? '0')).toBeGreaterThan(0n);
  }, 180_000);
});
