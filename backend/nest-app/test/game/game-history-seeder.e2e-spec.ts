import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEMO_SEEDERS } from '../../src/cli/demo-seeders';
import { gameHistoryDemoSeeder } from '../../src/modules/game/demo/game-history.demo-seeder';
import { historyOf } from '../../src/modules/game/demo/game-history.demo-script';
import { DEMO_PLAYERS } from '../../src/modules/user/user.demo-seeder';
import { UsersService } from '../../src/modules/user/users.service';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { startClockedTestApp, startTestApp } from '../support/test-app';
import type { ManualClock } from '../../src/common/time/clock';

/** The wallet seeder's starting balances, EUR cents. */
const START_CASH = 10_000n;
const START_BONUS = 1_000n;
/** alice's welcome bonus (the bonus seeder: 100 % of a EUR 50 demo deposit, 10x wagering). */
const WELCOME_BONUS = 5_000n;

interface Expected {
  bets: number;
  wins: number;
  rollbacks: number;
  /** Stakes that stand (rolled-back bets excluded) and wins, EUR cents. */
  stakes: bigint;
  won: bigint;
}

function expectedOf(playerIndex: number): Expected {
  const rounds = historyOf(playerIndex);
  const settled = rounds.filter((round) => round.win !== null);
  return {
    bets: rounds.length,
    wins: settled.length,
    rollbacks: rounds.length - settled.length,
    stakes: settled.reduce((sum, round) => sum + round.stake, 0n),
    won: settled.reduce((sum, round) => sum + (round.win ?? 0n), 0n),
  };
}

/** `npm run seed` on a fresh database, twice: the demo players' history is played once, through the real money path. */
describe('demo history seeder (e2e)', () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'demo-history-keys-'));
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let db: DataSource;
  let userIds: string[];
  const firstRun: string[] = [];
  const secondRun: string[] = [];

  async function seedAll(into: string[]): Promise<void> {
    for (const seeder of DEMO_SEEDERS) into.push(`${seeder.name}: ${await seeder.seed(app)}`);
  }

  /** Row counts of every table the history writes to: a second run must leave them all as they are. */
  async function footprint(): Promise<Record<string, number>> {
    const tables = [
      'ledger_transactions',
      'ledger_entries',
      'game_transactions',
      'game_rounds',
      'game_sessions',
      'outbox_events',
      'rg_activity_daily',
      'player_bonuses',
      'player_bonus_transitions',
      'player_bonus_wagers',
    ];
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const [row] = (await db.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
      counts[table] = row?.n ?? -1;
    }
    return counts;
  }

  async function balancesOf(userId: string): Promise<{ cash: bigint; bonus: bigint }> {
    const view = (await app.get(WalletService).walletsOfUser(userId)).find(
      (wallet) => wallet.balances.currency === 'EUR',
    );
    if (!view) throw new Error(`no EUR wallet for ${userId}`);
    return { cash: view.balances.cash, bonus: view.balances.bonus };
  }

  beforeAll(async () => {
    environment = await createTestEnvironment('demo-history', {
      DEMO_PROVIDER_KEYS_DIR: keysDir,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      // The rows stay unpublished, so the test reads exactly what the seed wrote to the outbox.
      OUTBOX_RELAY_ENABLED: 'false',
    });
    app = await startTestApp(environment.config);
    db = app.get(DataSource);
    await seedAll(firstRun);
    const rows = (await db.query(`SELECT id, email FROM users WHERE email = ANY($1)`, [[...DEMO_PLAYERS]])) as {
      id: string;
      email: string;
    }[];
    userIds = DEMO_PLAYERS.map((email) => rows.find((row) => row.email === email)?.id ?? '');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('runs after the demo provider seeder and reports the rounds it played', () => {
    const names = DEMO_SEEDERS.map((seeder) => seeder.name);
    expect(names.indexOf(gameHistoryDemoSeeder.name)).toBeGreaterThan(names.indexOf('game: demo provider'));
    const rounds = DEMO_PLAYERS.length * historyOf(0).length;
    expect(firstRun.at(-1)).toMatch(new RegExp(`^game: demo history: ${rounds} new round\\(s\\) played, 0 already`));
  });

  it.each(DEMO_PLAYERS.map((email, index) => [email, index] as const))(
    'plays %s its bets, wins and rollbacks once, and the balance is start − standing stakes + wins exactly',
    async (_email, index) => {
      const userId = userIds[index] ?? '';
      const expected = expectedOf(index);
      expect(expected.rollbacks).toBeGreaterThan(0);
      const byType = (await db.query(
        `SELECT lt.type, count(*)::int AS n, sum(lt.amount)::text AS amount
           FROM ledger_transactions lt JOIN wallets w ON w.id = lt.wallet_id
          WHERE w.user_id = $1 GROUP BY lt.type ORDER BY lt.type`,
        [userId],
      )) as { type: string; n: number; amount: string }[];
      const stakesPlaced = historyOf(index).reduce((sum, round) => sum + round.stake, 0n);
      const welcome = index === 0 ? WELCOME_BONUS : 0n;
      expect(byType).toEqual([
        { type: 'adjustment', n: 2, amount: (START_CASH + START_BONUS).toString() },
        { type: 'bet', n: expected.bets, amount: stakesPlaced.toString() },
        ...(index === 0 ? [{ type: 'bonus_grant', n: 1, amount: WELCOME_BONUS.toString() }] : []),
        { type: 'rollback', n: expected.rollbacks, amount: (stakesPlaced - expected.stakes).toString() },
        { type: 'win', n: expected.wins, amount: expected.won.toString() },
      ]);
      // Bets take cash first and the cash never runs short, so the bonus is untouched.
      expect(await balancesOf(userId)).toEqual({
        cash: START_CASH - expected.stakes + expected.won,
        bonus: START_BONUS + welcome,
      });
      // Some rounds were lost: their closing win is 0.
      const [zeroWins] = (await db.query(
        `SELECT count(*)::int AS n FROM game_transactions WHERE user_id = $1 AND kind = 'win' AND amount = 0`,
        [userId],
      )) as { n: number }[];
      expect(zeroWins?.n).toBe(historyOf(index).filter((round) => round.win === 0n).length);
      expect(zeroWins?.n).toBeGreaterThan(0);
      // Responsible gaming counted exactly what stands, as for a provider's call.
      const [counted] = (await db.query(
        `SELECT coalesce(sum(wagers), 0)::text AS wagers, coalesce(sum(wins), 0)::text AS wins
           FROM rg_activity_daily WHERE user_id = $1`,
        [userId],
      )) as { wagers: string; wins: string }[];
      expect(counted).toEqual({ wagers: expected.stakes.toString(), wins: expected.won.toString() });
    },
  );

  it('gives alice an active deposit-match bonus whose wagering the history advanced (slots 100 %, table 10 %)', async () => {
    const standing = historyOf(0).filter((round) => round.win !== null);
    const weighted = standing.reduce(
      (sum, round) => sum + (round.gameCode === 'demo_coin_flip' ? (round.stake * 10n) / 100n : round.stake),
      0n,
    );
    const bonuses = (await db.query(
      `SELECT status, grant_key, amount::text, wagering_required::text AS required, wagering_done::text AS done
         FROM player_bonuses WHERE user_id = $1`,
      [userIds[0]],
    )) as { status: string; grant_key: string; amount: string; required: string; done: string }[];
    expect(bonuses).toEqual([
      {
        status: 'active',
        grant_key: `deposit:demo-seed:${userIds[0] ?? ''}`,
        amount: WELCOME_BONUS.toString(),
        required: (WELCOME_BONUS * 10n).toString(),
        done: weighted.toString(),
      },
    ]);
    expect(weighted).toBeGreaterThan(0n);
    const others = (await db.query(`SELECT count(*)::int AS n FROM player_bonuses WHERE user_id = ANY($1)`, [
      userIds.slice(1),
    ])) as { n: number }[];
    expect(others[0]?.n).toBe(0);
  });

  it('writes one wallet.transaction.completed per ledger transaction, one round event per round, one session per game', async () => {
    const [ledger] = (await db.query(
      `SELECT count(*)::int AS transactions,
              count(DISTINCT o.id) FILTER (WHERE o.event_type = 'wallet.transaction.completed'
                AND o.envelope->'payload'->>'transactionId' = lt.id::text)::int AS events
         FROM ledger_transactions lt LEFT JOIN outbox_events o ON o.id = lt.event_id
        WHERE lt.idempotency_scope = 'game:demo'`,
    )) as { transactions: number; events: number }[];
    const rounds = DEMO_PLAYERS.length * historyOf(0).length;
    const rollbacks = DEMO_PLAYERS.reduce((sum, _email, index) => sum + expectedOf(index).rollbacks, 0);
    expect(ledger).toEqual({ transactions: 2 * rounds, events: 2 * rounds });
    expect(rollbacks).toBeGreaterThan(0);
    const events = (await db.query(
      `SELECT event_type, count(*)::int AS n FROM outbox_events
        WHERE event_type IN ('wallet.transaction.completed', 'game.round.closed', 'game.session.opened')
          AND envelope->'payload'->>'userId' = ANY($1)
        GROUP BY event_type ORDER BY event_type`,
      [userIds],
    )) as { event_type: string; n: number }[];
    expect(events).toEqual([
      { event_type: 'game.round.closed', n: rounds },
      { event_type: 'game.session.opened', n: DEMO_PLAYERS.length * 4 },
      // The history's transactions, the two starting-balance adjustments per player and alice's welcome bonus.
      { event_type: 'wallet.transaction.completed', n: 2 * rounds + 2 * DEMO_PLAYERS.length + 1 },
    ]);
  });

  it('changes nothing when the seed runs a second time, and the ledger verifies', async () => {
    const before = await footprint();
    const balances = await Promise.all(userIds.map((userId) => balancesOf(userId)));
    await seedAll(secondRun);
    const rounds = DEMO_PLAYERS.length * historyOf(0).length;
    expect(secondRun.at(-1)).toMatch(new RegExp(`^game: demo history: 0 new round\\(s\\) played, ${rounds} already`));
    expect(await footprint()).toEqual(before);
    expect(await Promise.all(userIds.map((userId) => balancesOf(userId)))).toEqual(balances);
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
  });
});

/** The history respects what a developer did to a demo player before it was first played. */
describe('demo history seeder on changed demo players (e2e)', () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'demo-history-keys-'));
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let db: DataSource;
  let outcome: string;
  let bob: string;
  let charlie: string;
  /** What charlie is left with before the history: less than the history's stakes. */
  const charlieStart = 200n;

  /** The rounds the seeder may play from `start`: it stops at the first stake the balance does not cover. */
  function affordable(playerIndex: number, start: bigint): { rounds: number; balance: bigint } {
    let balance = start;
    let rounds = 0;
    for (const round of historyOf(playerIndex)) {
      if (round.stake > balance) break;
      balance += (round.win ?? round.stake) - round.stake;
      rounds += 1;
    }
    return { rounds, balance };
  }

  beforeAll(async () => {
    environment = await createTestEnvironment('demo-history-changed', {
      DEMO_PROVIDER_KEYS_DIR: keysDir,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    app = await startTestApp(environment.config);
    db = app.get(DataSource);
    for (const seeder of DEMO_SEEDERS.filter((candidate) => candidate !== gameHistoryDemoSeeder))
      await seeder.seed(app);
    const users = app.get(UsersService);
    bob = (await users.findOrRegisterByEmail('bob@example.test', { ip: '127.0.0.1', userAgent: 'jest' })).account.id;
    charlie = (await users.findOrRegisterByEmail('charlie@example.test', { ip: '127.0.0.1', userAgent: 'jest' }))
      .account.id;
    await db.transaction((manager) => users.setStatus(manager, bob, 'blocked'));
    const admin = await users.ensureAdmin(environment.config.ADMIN_EMAIL);
    const spend = [
      { balance: 'cash', amount: -START_CASH },
      { balance: 'bonus', amount: charlieStart - START_BONUS },
    ] as const;
    for (const { balance, amount } of spend) {
      await app.get(WalletService).adjust({
        idempotency: { scope: 'test', key: `spent:${balance}:${charlie}` },
        wallet: { userId: charlie },
        currency: 'EUR',
        amount,
        balance,
        reason: 'Spent elsewhere',
        actor: { userId: admin.id, roles: admin.roles, requestId: 'jest' },
      });
    }
    outcome = await gameHistoryDemoSeeder.seed(app);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('skips a blocked player, stops a player at the first stake the balance does not cover, plays the others', async () => {
    const rounds = historyOf(0).length;
    const charlieRounds = affordable(2, charlieStart);
    expect(charlieRounds.rounds).toBeGreaterThan(0);
    expect(charlieRounds.rounds).toBeLessThan(rounds);
    expect(outcome).toContain(`${rounds + charlieRounds.rounds} new round(s) played, 0 already played`);
    expect(outcome).toContain(`${rounds - charlieRounds.rounds} left out: the balance did not cover the stake`);
    expect(outcome).toContain('stopped or skipped: bob@example.test (GAME_PLAYER_DISABLED)');
    const [bobsPlay] = (await db.query(
      `SELECT (SELECT count(*)::int FROM game_sessions WHERE user_id = $1) AS sessions,
              (SELECT count(*)::int FROM game_transactions WHERE user_id = $1) AS transactions`,
      [bob],
    )) as { sessions: number; transactions: number }[];
    expect(bobsPlay).toEqual({ sessions: 0, transactions: 0 });
    const [charliesBets] = (await db.query(
      `SELECT count(*)::int AS n FROM game_transactions WHERE user_id = $1 AND kind = 'bet' AND status <> 'refused'`,
      [charlie],
    )) as { n: number }[];
    expect(charliesBets?.n).toBe(charlieRounds.rounds);
    const view = (await app.get(WalletService).walletsOfUser(charlie)).find((w) => w.balances.currency === 'EUR');
    expect(view?.balances.available).toBe(charlieRounds.balance);
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
  });
});

/** `npm start` on a later day: that day's history is played (the dashboard shows today's figures), once. */
describe('demo history seeder on the next day (e2e)', () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'demo-history-days-'));
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clock: ManualClock;

  const seedAll = async (): Promise<string[]> => {
    const lines: string[] = [];
    for (const seeder of DEMO_SEEDERS) lines.push(`${seeder.name}: ${await seeder.seed(app)}`);
    return lines;
  };
  const betsOfDay = async (day: string): Promise<number> => {
    const [row] = (await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM ledger_transactions WHERE type = 'bet' AND created_at::date = $1`, [
        day,
      ])) as { n: number }[];
    return row?.n ?? -1;
  };

  beforeAll(async () => {
    environment = await createTestEnvironment('demo-history-days', {
      DEMO_PROVIDER_KEYS_DIR: keysDir,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      OUTBOX_RELAY_ENABLED: 'false',
    });
    ({ app, clock } = await startClockedTestApp(environment.config, new Date('2026-12-01T10:00:00Z')));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it("plays each day's rounds on that day's first seed only", async () => {
    const rounds = DEMO_PLAYERS.length * historyOf(0).length;
    await seedAll();
    clock.set(new Date('2026-12-02T09:00:00Z'));
    const nextDay = (await seedAll()).find((line) => line.startsWith(gameHistoryDemoSeeder.name)) ?? '';
    expect(nextDay).toContain(`${rounds} new round(s) played, 0 already played`);
    const again = (await seedAll()).find((line) => line.startsWith(gameHistoryDemoSeeder.name)) ?? '';
    expect(again).toContain(`0 new round(s) played, ${rounds} already played`);
    expect([await betsOfDay('2026-12-01'), await betsOfDay('2026-12-02')]).toEqual([rounds, rounds]);
    await expect(app.get(WalletVerifier).verify()).resolves.toMatchObject({ ok: true });
  }, 120_000);
});
