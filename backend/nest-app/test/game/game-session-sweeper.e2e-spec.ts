import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { ManualClock } from '../../src/common/time/clock';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { GameSessionSweeper } from '../../src/modules/game/sessions/game-session-sweeper';
import { startClockedTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88 } from './support/fake-hub88';
import { newPlayer } from './support/game-test-app';
import { Hub88Client } from './support/hub88-client';

const GAME = 'clt_dragonrising';
const TTL_SECONDS = 60;
/** Past the TTL and the cache's allowance for the database's lagging idle clock (session-cache.ts). */
const PAST_IDLE_MS = (TTL_SECONDS + 10) * 1000;

/**
 * Issue 19 (known defect): a game session closed only when a provider's call happened to find it idle. Two nest-app
 * instances on one database, each sweeping every second: idle sessions close with no provider traffic at all, each with
 * exactly one `game.session.closed`, and an active session stays open.
 */
describe('game session sweeper (e2e, two instances)', () => {
  const hub88 = new FakeHub88();
  let environment: TestEnvironment;
  let first: { app: NestFastifyApplication; clock: ManualClock };
  let second: { app: NestFastifyApplication; clock: ManualClock };
  let db: DataSource;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: GAME, name: 'Dragon Rising', category: 'slots', demo_game_support: true }];
    environment = await createTestEnvironment('game-sweeper', {
      ...hub88.settings(),
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      GAME_SESSION_IDLE_TTL_SECONDS: String(TTL_SECONDS),
      GAME_SESSION_SWEEP_INTERVAL_SECONDS: '1',
    });
    first = await startClockedTestApp(environment.config);
    second = await startClockedTestApp(environment.config);
    db = first.app.get(DataSource);
    await first.app.get(CatalogSyncService).syncAll();
  }, 60_000);

  afterAll(async () => {
    await first?.app.close();
    await second?.app.close();
    await environment?.dispose();
    await hub88.stop();
  });

  const advance = (ms: number): void => {
    first.clock.advance(ms);
    second.clock.advance(ms);
  };

  async function launched(count: number): Promise<{ sessionId: string; userId: string; token: string }[]> {
    const [game] = (await db.query(`SELECT id FROM games WHERE game_code = $1`, [GAME])) as { id: string }[];
    const sessions = [];
    for (let index = 0; index < count; index += 1) {
      const player = await newPlayer(first.app, `sweep-${index}`, 10_000n);
      const response = await first.app.inject({
        method: 'POST',
        url: `/api/v1/games/${game?.id ?? ''}/launch`,
        headers: player.headers,
        payload: { mode: 'real', platform: 'desktop', language: 'en' },
      });
      expect(response.statusCode).toBe(200);
      const { sessionId } = response.json<{ sessionId: string }>();
      sessions.push({ sessionId, userId: player.userId, token: hub88.tokenOf(player.userId) });
    }
    return sessions;
  }

  async function statusOf(ids: string[]): Promise<Record<string, string>> {
    const rows = (await db.query(`SELECT id, status FROM game_sessions WHERE id = ANY($1)`, [ids])) as {
      id: string;
      status: string;
    }[];
    return Object.fromEntries(rows.map((row) => [row.id, row.status]));
  }

  async function closedEvents(ids: string[]): Promise<{ aggregateId: string; reason: string }[]> {
    return (await db.query(
      `SELECT aggregate_id AS "aggregateId", envelope->'payload'->>'reason' AS reason FROM outbox_events
        WHERE event_type = 'game.session.closed' AND aggregate_id = ANY($1) ORDER BY aggregate_id`,
      [ids],
    )) as { aggregateId: string; reason: string }[];
  }

  async function waitUntilClosed(ids: string[], timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const statuses = await statusOf(ids);
      if (ids.every((id) => statuses[id] === 'closed')) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`sessions still open after ${timeoutMs} ms: ${JSON.stringify(await statusOf(ids))}`);
  }

  it('closes idle sessions without any provider call, with one game.session.closed each, and keeps an active one', async () => {
    const idle = await launched(5);
    const [active] = await launched(1);
    const ids = idle.map((session) => session.sessionId);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // sweeps ran: nothing is idle yet
    expect(Object.values(await statusOf([...ids, active?.sessionId ?? '']))).toEqual(Array(6).fill('open'));

    advance(PAST_IDLE_MS - 20_000);
    const client = new Hub88Client(first.app, hub88);
    const balance = { user: active?.userId, token: active?.token, game_code: GAME };
    expect((await client.call('user/balance', balance)).body.status).toBe('RS_OK');
    advance(20_000);

    await waitUntilClosed(ids);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // more sweeps on both instances
    expect(await closedEvents(ids)).toEqual(ids.sort().map((id) => ({ aggregateId: id, reason: 'expired' })));
    expect((await statusOf([active?.sessionId ?? '']))[active?.sessionId ?? '']).toBe('open');

    // A provider arriving later finds the session expired, and its expiry path emits nothing more.
    const late = idle[0];
    const answer = await new Hub88Client(second.app, hub88).call('user/balance', {
      user: late?.userId,
      token: late?.token,
      game_code: GAME,
    });
    expect(answer.body.status).toBe('RS_ERROR_TOKEN_EXPIRED');
    expect(await closedEvents([late?.sessionId ?? ''])).toHaveLength(1);
  }, 60_000);

  it('emits one event per session when both instances sweep the same sessions at once', async () => {
    const sessions = await launched(12);
    const ids = sessions.map((session) => session.sessionId);
    advance(PAST_IDLE_MS);
    const sweepers = [first, second].map(({ app }) => app.get(GameSessionSweeper));
    await Promise.all([...sweepers, ...sweepers].map((sweeper) => sweeper.closeIdle()));
    await waitUntilClosed(ids);
    expect(await closedEvents(ids)).toEqual(ids.sort().map((id) => ({ aggregateId: id, reason: 'expired' })));
  }, 60_000);
});
