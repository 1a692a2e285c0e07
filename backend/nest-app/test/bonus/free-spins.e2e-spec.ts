import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { playFreeSpin } from '../../../demo-provider/src/freebets';
import { buildServer, type DemoProvider } from '../../../demo-provider/src/server';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { demoProviderSeeder } from '../../src/modules/game/demo/demo-provider.seeder';
import { newPlayer, startGameTestApp } from '../game/support/game-test-app';
import { signInAsStaff, uniqueEmail } from '../support/sign-in';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { expectInvariants, walletKit } from '../wallet-test-kit';
import { bonusKit } from './bonus-test-kit';

const GAME = 'demo_lucky_sevens';
const OTHER_GAME = 'demo_dragon_gold';
/** Hub88 units: one EUR cent is 1,000. */
const hub = (minor: number): number => minor * 1000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Free spins through Hub88's Freebets API (docs/bonuses.md "Free spins"; reference/hub88-wallet-api.md: `is_free`,
 * `reward_uuid`), with the demo provider over real HTTP: the staff grant creates the reward at the provider (signed
 * `prepaids/list` + `rewards/create`), the provider plays the spins on our wallet with signed calls.
 */
describe('free spins through the provider Freebets API (e2e)', () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'free-spins-keys-'));
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let demo: DemoProvider;
  let db: DataSource;
  let kit: ReturnType<typeof bonusKit>;
  let template: string;

  beforeAll(async () => {
    const demoPort = await freePort();
    environment = await createTestEnvironment('bonus-free-spins', {
      ADMIN_EMAIL: adminEmail,
      DEMO_PROVIDER_KEYS_DIR: keysDir,
      DEMO_PROVIDER_URL: `http://127.0.0.1:${demoPort}`,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      OUTBOX_RELAY_ENABLED: 'false',
    });
    ({ app } = await startGameTestApp(environment.config));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const apiUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    demo = buildServer({
      host: '127.0.0.1',
      port: demoPort,
      publicUrl: `http://127.0.0.1:${demoPort}`,
      operatorWalletUrl: `${apiUrl}/api/v1/providers/demo`,
      keysDir,
      operatorId: 1,
    });
    await demo.app.listen({ host: '127.0.0.1', port: demoPort });
    await demoProviderSeeder.seed(app);
    await app.get(CatalogSyncService).syncAll();
    db = app.get(DataSource);
    kit = bonusKit(app, await signInAsStaff(app, adminEmail));
    // 5 spins of €0.20 on Lucky Sevens; winnings wagered 3x; at most €20 to cash.
    template = await kit.template({
      name: '5 free spins',
      kind: 'free_spins',
      amount: undefined,
      providerCode: 'demo',
      gameCode: GAME,
      spinCount: 5,
      spinValue: '20',
      wageringMultiplier: 3,
      maxBet: '500',
      maxConversion: '2000',
      gameWeights: { slots: 100 },
    });
  }, 60_000);

  afterAll(async () => {
    await demo?.app.close();
    await app?.close();
    await environment?.dispose();
    rmSync(keysDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    // `npm run wallet:verify`'s checks.
    await expectInvariants(walletKit(app));
  });

  async function launched(label: string, cash: bigint) {
    const player = await newPlayer(app, label, cash);
    const game = (await app.inject({ method: 'GET', url: `/api/v1/games?provider=demo&search=lucky` })).json<{
      items: { id: string }[];
    }>().items[0];
    const launch = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${game?.id ?? ''}/launch`,
      headers: player.headers,
      payload: { mode: 'real', platform: 'desktop' },
    });
    expect(launch.statusCode).toBe(200);
    const launchId = new URL(launch.json<{ url: string }>().url).pathname.split('/').pop() ?? '';
    const session = demo.sessionOf(launchId);
    if (!session) throw new Error('no demo session');
    return { ...player, session, launchId };
  }

  async function bonusRow(id: string) {
    const [row] = (await db.query(
      `SELECT status, amount::text AS amount, wagering_required::text AS required, wagering_done::text AS done
         FROM player_bonuses WHERE id = $1`,
      [id],
    )) as { status: string; amount: string; required: string; done: string }[];
    return row;
  }

  it('creates the reward at the provider; its spins debit nothing, wins land as bonus money and set the wagering', async () => {
    const player = await launched('spins', 1000n);
    const key = randomUUID();
    const granted = await kit.grant(template, player.userId, key);
    expect(granted.statusCode).toBe(201);
    const bonusId = granted.json<{ id: string }>().id;
    expect(await bonusRow(bonusId)).toEqual({ status: 'active', amount: '0', required: '0', done: '0' });
    // The staff retry answers the same bonus and creates no second reward.
    expect((await kit.grant(template, player.userId, key)).json<{ id: string }>().id).toBe(bonusId);
    const [reward] = demo.freebets.rewardsOf(player.userId);
    expect(demo.freebets.rewardsOf(player.userId)).toHaveLength(1);
    expect(reward).toMatchObject({ gameCode: GAME, currency: 'EUR', betValue: hub(20), betCount: 5 });
    const [stored] = (await db.query(`SELECT status, reward_uuid FROM free_spin_rewards WHERE player_bonus_id = $1`, [
      bonusId,
    ])) as { status: string; reward_uuid: string }[];
    expect(stored).toEqual({ status: 'issued', reward_uuid: reward?.rewardUuid });
    if (!reward) throw new Error('no reward');

    // A cash bet before any spin won counts, but a bonus with nothing won has nothing to complete.
    expect((await demo.wallet.bet(player.session, randomUUID(), randomUUID(), hub(100))).status).toBe('RS_OK');
    expect(await bonusRow(bonusId)).toEqual({ status: 'active', amount: '0', required: '0', done: '100' });

    // Spin 1: a win of €1.50; spin 2: nothing; cash is untouched by the free bets.
    const first = await playFreeSpin(demo.wallet, player.session, reward, hub(150));
    expect([first.bet.status, first.win?.status]).toEqual(['RS_OK', 'RS_OK']);
    expect(first.win?.balance).toBe(hub(900 + 150));
    const second = await playFreeSpin(demo.wallet, player.session, reward, 0);
    expect(second.win?.balance).toBe(hub(1050));
    expect(await kit.balances(player.userId)).toEqual({ cash: 900n, bonus: 150n });
    expect(await bonusRow(bonusId)).toEqual({ status: 'active', amount: '150', required: '450', done: '100' });

    // A retried win (same transaction_uuid, twice at once and once more) credits once.
    const round = randomUUID();
    const betId = randomUUID();
    expect((await demo.wallet.freeBet(player.session, betId, round, hub(20), reward.rewardUuid)).status).toBe('RS_OK');
    const winId = randomUUID();
    const retried = await Promise.all(
      [1, 2, 3].map(() => demo.wallet.freeWin(player.session, winId, betId, round, hub(50), reward.rewardUuid)),
    );
    expect(retried.map((answer) => answer.status)).toEqual(['RS_OK', 'RS_OK', 'RS_OK']);
    expect(await kit.balances(player.userId)).toEqual({ cash: 900n, bonus: 200n });
    expect(await bonusRow(bonusId)).toMatchObject({ amount: '200', required: '600' });

    // Wagering applies to the winnings: real-money slot bets count; cash is staked first.
    for (let spin = 0; spin < 2; spin++) {
      const bet = await demo.wallet.bet(player.session, randomUUID(), randomUUID(), hub(300));
      expect(bet.status).toBe('RS_OK');
    }
    // 700 wagered ≥ 200 × 3: the bonus converts (under its €20 cap), its winnings become cash.
    expect(await bonusRow(bonusId)).toMatchObject({ status: 'converted', done: '700' });
    expect(await kit.balances(player.userId)).toEqual({ cash: 900n - 600n + 200n, bonus: 0n });
    const [played] = (await db.query(
      `SELECT spins_played, winnings::text AS winnings FROM free_spin_rewards WHERE player_bonus_id = $1`,
      [bonusId],
    )) as { spins_played: number; winnings: string }[];
    expect(played).toEqual({ spins_played: 3, winnings: '200' });
  });

  it("refuses a reward_uuid that is not the player's, and one used on another game, moving nothing", async () => {
    const owner = await launched('owner', 0n);
    expect((await kit.grant(template, owner.userId)).statusCode).toBe(201);
    const [reward] = demo.freebets.rewardsOf(owner.userId);
    if (!reward) throw new Error('no reward');
    const thief = await launched('thief', 500n);
    const stolen = await demo.wallet.freeBet(thief.session, randomUUID(), randomUUID(), hub(20), reward.rewardUuid);
    expect(stolen).toMatchObject({ status: 'RS_ERROR_WRONG_SYNTAX', balance: hub(500) });
    const stolenWin = await demo.wallet.freeWin(
      thief.session,
      randomUUID(),
      randomUUID(),
      randomUUID(),
      hub(100),
      reward.rewardUuid,
    );
    expect(stolenWin.status).toBe('RS_ERROR_WRONG_SYNTAX');
    const elsewhere = await demo.wallet.freeBet(
      { ...owner.session, gameCode: OTHER_GAME },
      randomUUID(),
      randomUUID(),
      hub(20),
      reward.rewardUuid,
    );
    expect(elsewhere.status).toBe('RS_ERROR_INVALID_GAME');
    expect(await kit.balances(thief.userId)).toEqual({ cash: 500n, bonus: 0n });
    expect(await kit.balances(owner.userId)).toEqual({ cash: 0n, bonus: 0n });
  });

  it('plays the spins from the game page until the reward is used, then refuses more with RS_ERROR_LIMIT_REACHED', async () => {
    const player = await launched('page', 0n);
    expect((await kit.grant(template, player.userId)).statusCode).toBe(201);
    for (let spin = 0; spin < 5; spin++) {
      const answer = await demo.app.inject({ method: 'POST', url: `/play/${player.launchId}/spin` });
      expect(answer.json<{ message: string }>().message).toMatch(/^Free spin/);
    }
    const [reward] = demo.freebets.rewardsOf(player.userId);
    if (!reward) throw new Error('no reward');
    const extra = await demo.wallet.freeBet(player.session, randomUUID(), randomUUID(), hub(20), reward.rewardUuid);
    expect(extra.status).toBe('RS_ERROR_LIMIT_REACHED');
    const { cash, bonus } = await kit.balances(player.userId);
    expect(cash).toBe(0n);
    const [row] = (await db.query(
      `SELECT b.amount::text AS amount, r.winnings::text AS winnings, r.spins_played FROM player_bonuses b
         JOIN free_spin_rewards r ON r.player_bonus_id = b.id WHERE b.user_id = $1`,
      [player.userId],
    )) as { amount: string; winnings: string; spins_played: number }[];
    expect(row).toEqual({ amount: bonus.toString(), winnings: bonus.toString(), spins_played: 5 });
  });

  it('answers 503 when the provider has no prepaid for the game, keeping the reward pending for a retry', async () => {
    const broken = await kit.template({
      name: 'spins on an unknown game',
      kind: 'free_spins',
      amount: undefined,
      providerCode: 'demo',
      gameCode: 'no_such_game',
      spinCount: 5,
      spinValue: '20',
      wageringMultiplier: 3,
    });
    const player = await launched('broken', 0n);
    const answer = await kit.grant(broken, player.userId);
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ error: { code: 'GAME_PROVIDER_UNAVAILABLE' } });
    const rows = (await db.query(`SELECT status FROM free_spin_rewards WHERE user_id = $1`, [player.userId])) as {
      status: string;
    }[];
    expect(rows).toEqual([{ status: 'pending' }]);
  });
});
