import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { GamesDimensionSync } from '../../src/modules/report/games-dimension.sync';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/**
 * The report's category dimension (and the UKGC return's products) joins ClickHouse `games`: the catalogue's
 * categories reach it, a recategorised game's newest category wins, and a second run sends only what changed.
 */
describe('games dimension copied to ClickHouse (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clickhouse: ClickHouseClient;
  let db: DataSource;

  beforeAll(async () => {
    environment = await createTestEnvironment('gamesdimension', { REPORT_GAMES_SYNC_INTERVAL_SECONDS: '0' });
    app = await startTestApp(environment.config);
    db = app.get(DataSource);
    clickhouse = createClient({
      url: environment.config.CLICKHOUSE_URL,
      database: environment.config.CLICKHOUSE_DATABASE,
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await clickhouse?.close();
    await environment?.dispose();
  });

  const categories = async () =>
    (
      await clickhouse.query({
        query:
          'SELECT provider, game_code, argMax(category, version) AS category FROM games ' +
          "WHERE provider = 'dimtest' GROUP BY provider, game_code ORDER BY game_code",
        format: 'JSONEachRow',
      })
    ).json<{ provider: string; game_code: string; category: string }>();

  it('copies the games changed since the last run, the newest category winning', async () => {
    const [provider] = (await db.query(
      `INSERT INTO game_providers (code, name, protocol) VALUES ('dimtest', 'Dimension test', 'hub88') RETURNING id`,
    )) as { id: string }[];
    await db.query(
      `INSERT INTO games (provider_id, provider_code, game_code, title, category)
       VALUES ($1, 'dimtest', 'reels-1', 'Reels', 'slots'), ($1, 'dimtest', 'wheel-1', 'Wheel', 'table')`,
      [provider?.id],
    );
    const sync = app.get(GamesDimensionSync);
    expect(await sync.sync()).toBeGreaterThanOrEqual(2);
    expect(await categories()).toEqual([
      { provider: 'dimtest', game_code: 'reels-1', category: 'slots' },
      { provider: 'dimtest', game_code: 'wheel-1', category: 'table' },
    ]);

    await db.query(
      `UPDATE games SET category = 'live', updated_at = now() + interval '1 second' WHERE game_code = 'wheel-1'`,
    );
    await sync.sync();
    expect(await categories()).toEqual([
      { provider: 'dimtest', game_code: 'reels-1', category: 'slots' },
      { provider: 'dimtest', game_code: 'wheel-1', category: 'live' },
    ]);
    // Nothing changed since: only the game at the watermark is sent again (`>=`: a game committed later with the
    // same updated_at is never skipped).
    expect(await sync.sync()).toBe(1);
  });
});
