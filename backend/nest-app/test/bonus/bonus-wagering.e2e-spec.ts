import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { signInAsStaff, uniqueEmail } from '../support/sign-in';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88 } from '../game/support/fake-hub88';
import { newPlayer, startGameTestApp, type TestPlayer } from '../game/support/game-test-app';
import { Hub88Client } from '../game/support/hub88-client';
import { expectInvariants, walletKit } from '../wallet-test-kit';
import { bonusKit } from './bonus-test-kit';

const SLOTS = 'clt_dragonrising';
const TABLE = 'clt_roulette';
const LIVE = 'evo_baccarat';
/** Hub88 amounts are minor units × 1000 (reference §2: ×100000 per currency unit). */
const hub = (minor: number): number => minor * 1000;

/**
 * Wagering on Hub88 bets (docs/bonuses.md "Wagering"). Facts: shared/reference/bonuses.md (weights by game category,
 * max bet refused when placed, conversion once up to the maximum conversion); reference/hub88-wallet-api.md §5
 * (RS_ERROR_LIMIT_REACHED: a limit refusal the supplier does not roll back), §4.2 (a retried transaction id).
 */
describe('bonus wagering on the Hub88 bet path (e2e)', () => {
  const hub88 = new FakeHub88();
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let client: Hub88Client;
  let db: DataSource;
  let kit: ReturnType<typeof bonusKit>;
  /** €10 no-deposit, 2x wagering (2000), max bet €10, at most €6 to cash. */
  let small: string;
  /** €10, 10x (10000): long enough not to complete within a test. */
  let long: string;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [
      { game_code: SLOTS, name: 'Dragon Rising', category: 'slots' },
      { game_code: TABLE, name: 'Roulette', category: 'table' },
      { game_code: LIVE, name: 'Baccarat', category: 'live' },
    ];
    environment = await createTestEnvironment('bonus-wagering', {
      ...hub88.settings(),
      ADMIN_EMAIL: adminEmail,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      OUTBOX_RELAY_ENABLED: 'false',
    });
    ({ app } = await startGameTestApp(environment.config));
    client = new Hub88Client(app, hub88);
    db = app.get(DataSource);
    await app.get(CatalogSyncService).syncAll();
    kit = bonusKit(app, await signInAsStaff(app, adminEmail));
    small = await kit.template({ amount: '1000', wageringMultiplier: 2, maxBet: '1000', maxConversion: '600' });
    long = await kit.template({ amount: '1000', wageringMultiplier: 10, maxBet: '1000', maxConversion: '600' });
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  afterEach(async () => {
    // `npm run wallet:verify`'s checks.
    await expectInvariants(walletKit(app));
  });

  async function playing(label: string, cash: bigint, templateId: string) {
    const player: TestPlayer = await newPlayer(app, label, cash);
    const [game] = (await db.query(`SELECT id FROM games WHERE game_code = $1`, [SLOTS])) as { id: string }[];
    const launch = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${game?.id ?? ''}/launch`,
      headers: player.headers,
      payload: { mode: 'real', platform: 'desktop', language: 'en' },
    });
    expect(launch.statusCode).toBe(200);
    const granted = await kit.grant(templateId, player.userId);
    expect(granted.statusCode).toBe(201);
    return { ...player, token: hub88.tokenOf(player.userId), bonusId: granted.json<{ id: string }>().id };
  }

  function bet(player: { userId: string; token: string }, minor: number, game = SLOTS): Record<string, unknown> {
    return {
      user: player.userId,
      transaction_uuid: randomUUID(),
      supplier_transaction_id: `sup-${randomUUID()}`,
      token: player.token,
      round: `round-${randomUUID()}`,
      round_closed: false,
      reward_uuid: null,
      is_free: false,
      game_code: game,
      currency: 'EUR',
      bet: null,
      amount: hub(minor),
      meta: null,
    };
  }

  async function progress(bonusId: string): Promise<{ status: string; done: string }> {
    const [row] = (await db.query(`SELECT status, wagering_done::text AS done FROM player_bonuses WHERE id = $1`, [
      bonusId,
    ])) as { status: string; done: string }[];
    return row ?? { status: 'missing', done: '' };
  }

  it('counts settled bets, completes the wagering and converts once up to the maximum conversion', async () => {
    const player = await playing('convert', 5000n, small);
    expect((await client.call('transaction/bet', bet(player, 1000))).body.status).toBe('RS_OK');
    expect(await progress(player.bonusId)).toEqual({ status: 'active', done: '1000' });
    // Cash first: the bonus money is still all there when the second bet completes the 2000 required.
    expect((await client.call('transaction/bet', bet(player, 1000))).body.status).toBe('RS_OK');
    expect(await progress(player.bonusId)).toEqual({ status: 'converted', done: '2000' });
    expect(await kit.balances(player.userId)).toEqual({ cash: 3000n + 600n, bonus: 0n });
    expect(await kit.transitions(player.bonusId)).toEqual([
      '->offered:staff_grant',
      'offered>active:staff_grant',
      'active>wagering_complete:wagering_met',
      'wagering_complete>converted:conversion',
    ]);
    expect(await kit.events(player.bonusId)).toEqual(['bonus.activated', 'bonus.converted']);
    const [converted] = (await db.query(
      `SELECT envelope -> 'payload' ->> 'convertedToCash' AS cash FROM outbox_events
        WHERE aggregate_id = $1 AND event_type = 'bonus.converted'`,
      [player.bonusId],
    )) as { cash: string }[];
    expect(converted?.cash).toBe('600');
    // Later bets find no active bonus: nothing more counts, no second conversion.
    expect((await client.call('transaction/bet', bet(player, 1000))).body.status).toBe('RS_OK');
    expect(await kit.balances(player.userId)).toEqual({ cash: 2600n, bonus: 0n });
  });

  it('weights stakes by game category: table 10 %, live 0 %', async () => {
    const player = await playing('weights', 5000n, long);
    await client.call('transaction/bet', bet(player, 1000, TABLE));
    expect((await progress(player.bonusId)).done).toBe('100');
    expect((await client.call('transaction/bet', bet(player, 1000, LIVE))).body.status).toBe('RS_OK');
    expect((await progress(player.bonusId)).done).toBe('100');
    const [listed] = await kit.mine(player.headers);
    expect(listed?.wagering).toEqual({ required: '10000', done: '100', remaining: '9900' });
  });

  it('refuses a bet above the max bet with RS_ERROR_LIMIT_REACHED, moving nothing and counting nothing', async () => {
    const player = await playing('maxbet', 5000n, long);
    const answer = await client.call('transaction/bet', bet(player, 1001));
    expect(answer.body).toMatchObject({ status: 'RS_ERROR_LIMIT_REACHED', balance: hub(6000) });
    expect(await kit.balances(player.userId)).toEqual({ cash: 5000n, bonus: 1000n });
    expect((await progress(player.bonusId)).done).toBe('0');
    expect((await client.call('transaction/bet', bet(player, 1000))).body.status).toBe('RS_OK');
  });

  it('counts a retried bet once, and a rollback takes its contribution back', async () => {
    const player = await playing('retry', 5000n, long);
    const placed = bet(player, 700);
    const [first, second] = await Promise.all([
      client.call('transaction/bet', placed),
      client.call('transaction/bet', placed),
    ]);
    expect([first.body.status, second.body.status]).toEqual(['RS_OK', 'RS_OK']);
    expect((await client.call('transaction/bet', placed)).body.status).toBe('RS_OK');
    expect((await progress(player.bonusId)).done).toBe('700');
    const undo = {
      user: player.userId,
      transaction_uuid: randomUUID(),
      reference_transaction_uuid: placed.transaction_uuid,
      supplier_transaction_id: `sup-${randomUUID()}`,
      token: player.token,
      round: null,
      game_code: SLOTS,
      meta: null,
    };
    expect((await client.call('transaction/rollback', undo)).body.status).toBe('RS_OK');
    expect((await client.call('transaction/rollback', undo)).body.status).toBe('RS_OK');
    expect((await progress(player.bonusId)).done).toBe('0');
    expect(await kit.balances(player.userId)).toEqual({ cash: 5000n, bonus: 1000n });
  });

  it('counts concurrent bets exactly', async () => {
    const player = await playing('concurrent', 5000n, long);
    const answers = await Promise.all(
      Array.from({ length: 24 }, () => client.call('transaction/bet', bet(player, 50))),
    );
    expect(answers.map((answer) => answer.body.status)).toEqual(Array(24).fill('RS_OK'));
    expect((await progress(player.bonusId)).done).toBe('1200');
    const [wagers] = (await db.query(
      `SELECT count(*)::int AS n, sum(contribution)::text AS total FROM player_bonus_wagers WHERE player_bonus_id = $1`,
      [player.bonusId],
    )) as { n: number; total: string }[];
    expect(wagers).toEqual({ n: 24, total: '1200' });
  });

  it('converts a bonus left wagering_complete (its conversion lost in a crash) when the player lists their bonuses', async () => {
    const player = await playing('recover', 0n, small);
    // The state a crash between the completing bet's commit and its conversion leaves behind.
    await db.query(
      `UPDATE player_bonuses SET status = 'wagering_complete', wagering_done = wagering_required WHERE id = $1`,
      [player.bonusId],
    );
    const [listed] = await kit.mine(player.headers);
    expect(listed?.status).toBe('converted');
    expect(await kit.balances(player.userId)).toEqual({ cash: 600n, bonus: 0n });
    await kit.mine(player.headers);
    expect(await kit.balances(player.userId)).toEqual({ cash: 600n, bonus: 0n });
  });

  it('counts nothing more once the player forfeited the bonus', async () => {
    const player = await playing('forfeited', 5000n, long);
    await client.call('transaction/bet', bet(player, 500));
    expect((await kit.act(player.headers, player.bonusId, 'forfeit')).statusCode).toBe(200);
    expect((await client.call('transaction/bet', bet(player, 2000))).body.status).toBe('RS_OK');
    expect(await progress(player.bonusId)).toEqual({ status: 'forfeited', done: '500' });
    expect(await kit.balances(player.userId)).toEqual({ cash: 2500n, bonus: 0n });
  });
});
