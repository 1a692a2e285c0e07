import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { ManualClock } from '../src/common/time/clock';
import { seedEligiblePlayer } from '../src/modules/user/eligibility/seed-eligible-player';
import { ResponsibleGamingService } from '../src/modules/user/responsible-gaming/responsible-gaming.service';
import { RgActivityRepository, type PlaySession } from '../src/modules/user/responsible-gaming/rg-activity.repository';
import { RgBetGateRepository } from '../src/modules/user/responsible-gaming/rg-bet-gate.repository';
import { utcDay } from '../src/modules/user/responsible-gaming/rg-periods';
import { UsersService } from '../src/modules/user/users.service';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startUserTestApp } from './support/user-test-app';

const NOW = new Date('2026-03-04T10:00:00Z'); // a Wednesday
const NEXT_MONDAY = new Date('2026-03-09T08:00:00Z');
const MINUTE = 60_000;
const ORIGIN = { ip: '203.0.113.12', userAgent: 'jest' };
const UNKNOWN_USER = '00000000-0000-4000-8000-000000000000';

/** Batch sizes a coalesced repository's batch function was called with. */
function batchSizes(repository: object, method: string): number[] {
  const target = repository as Record<string, (inputs: unknown[]) => Promise<unknown[]>>;
  const sizes: number[] = [];
  const original = target[method].bind(repository);
  jest.spyOn(target, method).mockImplementation((inputs: unknown[]) => {
    sizes.push(inputs.length);
    return original(inputs);
  });
  return sizes;
}

describe('responsible gaming, coalesced reads and writes (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clock: ManualClock;
  let db: DataSource;
  let users: UsersService;
  let rg: ResponsibleGamingService;
  let gate: RgBetGateRepository;
  let activity: RgActivityRepository;

  beforeAll(async () => {
    environment = await createTestEnvironment('user-rg-coalesced');
    ({ app, clock } = await startUserTestApp(environment.config, NOW));
    db = app.get(DataSource);
    users = app.get(UsersService);
    rg = app.get(ResponsibleGamingService);
    gate = app.get(RgBetGateRepository);
    activity = app.get(RgActivityRepository);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  beforeEach(() => clock.set(NOW));
  afterEach(() => jest.restoreAllMocks());

  function newPlayers(prefix: string, count: number): Promise<string[]> {
    return Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const { account } = await users.findOrRegisterByEmail(`${prefix}-${index}@example.test`, ORIGIN);
        await seedEligiblePlayer(app, account.id, 'test');
        return account.id;
      }),
    );
  }

  async function limit(userId: string, key: string, value: number | null, pendingValue: number | null = null) {
    await db.query(
      `INSERT INTO rg_limits (user_id, limit_key, currency, value, pending_value, updated_at)
       VALUES ($1, $2, 'EUR', $3, $4, now())`,
      [userId, key, value, pendingValue],
    );
  }

  async function exclusion(userId: string, kind: string, startsAt: string, endsAt: string | null) {
    await db.query(
      `INSERT INTO rg_exclusions (user_id, kind, period, starts_at, ends_at, actor_id, created_at)
       VALUES ($1, $2, 'test', $3, $4, 'test', now())`,
      [userId, kind, startsAt, endsAt],
    );
  }

  /** Varied limits, exclusions, activity, sessions and statuses, so that no two neighbours look alike. */
  async function seedVariety(userId: string, k: number): Promise<void> {
    if (k % 9 === 8) await db.query(`UPDATE users SET status = 'blocked' WHERE id = $1`, [userId]);
    if (k % 3 === 0) await limit(userId, 'wagerDay', 1000 + k);
    if (k % 3 === 1) {
      await limit(userId, 'lossWeek', 5000);
      await limit(userId, 'sessionTimeMinutes', 60);
    }
    if (k % 4 === 2) await limit(userId, 'depositMonth', null, 300);
    if (k % 5 === 0) await exclusion(userId, 'time_out', '2026-03-03T00:00Z', '2026-03-06T00:00Z');
    if (k % 5 === 1) {
      await exclusion(userId, 'self_exclusion', '2026-03-01T00:00Z', null);
      await exclusion(userId, 'time_out', '2026-03-03T00:00Z', '2026-03-10T00:00Z');
    }
    if (k % 5 === 2) {
      await exclusion(userId, 'self_exclusion', '2026-03-01T00:00Z', '2026-03-05T00:00Z');
      await exclusion(userId, 'self_exclusion', '2026-03-02T00:00Z', '2026-03-20T00:00Z');
    }
    if (k % 5 === 3) await exclusion(userId, 'time_out', '2026-02-01T00:00Z', '2026-02-10T00:00Z');
    if (k % 10 === 4) await exclusion(userId, 'time_out', '2026-03-20T00:00Z', '2026-03-25T00:00Z');
    const days = ['2026-02-27', '2026-03-01', '2026-03-02', '2026-03-04', '2026-03-09'];
    for (const [index, day] of days.entries()) {
      if ((k + index) % 3 === 0) continue;
      const unit = (k + 1) * (index + 1);
      await db.query(
        `INSERT INTO rg_activity_daily (user_id, currency, day, deposits, wagers, wins) VALUES ($1, 'EUR', $2, $3, $4, $5)`,
        [userId, day, unit, unit * 10, unit * 100],
      );
    }
    await db.query(
      `INSERT INTO rg_activity_daily (user_id, currency, day, deposits, wagers, wins) VALUES ($1, 'GBP', '2026-03-04', 7, 70, 700)`,
      [userId],
    );
    if (k % 2 === 0) {
      await db.query(`INSERT INTO rg_play_sessions (user_id, started_at, last_activity_at) VALUES ($1, $2, $3)`, [
        userId,
        new Date('2026-03-04T09:00:00Z'),
        new Date(Date.parse('2026-03-04T09:30:00Z') + k * MINUTE),
      ]);
    }
  }

  it('answers 40 concurrent reads (and an unknown user) exactly as reads done one at a time', async () => {
    const players = await newPlayers('rg-read', 40);
    for (const [k, userId] of players.entries()) await seedVariety(userId, k);
    const inputs = [...players, UNKNOWN_USER].map((userId, k) => ({
      userId,
      currency: k % 7 === 6 ? 'GBP' : 'EUR',
      now: k % 4 === 3 ? NEXT_MONDAY : NOW,
    }));

    const oneByOne = [];
    for (const input of inputs) oneByOne.push(await gate.read(input.userId, input.currency, input.now));
    const sizes = batchSizes(gate, 'readBatch');
    const together = await Promise.all(inputs.map((input) => gate.read(input.userId, input.currency, input.now)));

    expect(together).toEqual(oneByOne);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(inputs.length);
    const zero = { deposits: 0n, wagers: 0n, wins: 0n };
    expect(together[40]).toEqual({
      userStatus: null,
      exclusion: undefined,
      limits: [],
      totals: { day: zero, week: zero, month: zero },
      session: null,
      eligibility: { accepted: {}, birthDate: null, ageVerifiedAt: null },
    });
    expect(together[0]).toEqual({
      userStatus: 'active',
      exclusion: { kind: 'time_out', endsAt: new Date('2026-03-06T00:00:00Z') },
      limits: [{ key: 'wagerDay', currency: 'EUR', value: 1000n }],
      // Days Mar 1, Mar 2 and Mar 9 (units 2, 3, 5): this ISO week holds Mar 2, the month all three.
      totals: {
        day: zero,
        week: { deposits: 3n, wagers: 30n, wins: 300n },
        month: { deposits: 10n, wagers: 100n, wins: 1000n },
      },
      session: { startedAt: new Date('2026-03-04T09:00:00Z'), lastActivityAt: new Date('2026-03-04T09:30:00Z') },
      // The latest decision per required consent and the verified birth date, read with the rest (seedEligiblePlayer).
      eligibility: {
        accepted: { terms: '1', privacy: '1' },
        birthDate: '1990-01-01',
        ageVerifiedAt: NOW,
      },
    });
    expect(together[1].exclusion).toEqual({ kind: 'self_exclusion', endsAt: null });
    expect(together[2].exclusion).toEqual({ kind: 'self_exclusion', endsAt: new Date('2026-03-20T00:00:00Z') });
    expect(together[8].userStatus).toBe('blocked');
  });

  it('sums 50 concurrent play records per user and day and keeps the session of the latest activity', async () => {
    const players = await newPlayers('rg-write', 3);
    const expectedCounters = new Map<string, { wagers: bigint; wins: bigint }>();
    const latestSession = new Map<string, PlaySession>();
    const count = (userId: string, day: string, wagers: bigint, wins: bigint) => {
      const key = `${userId} ${day}`;
      const sums = expectedCounters.get(key) ?? { wagers: 0n, wins: 0n };
      expectedCounters.set(key, { wagers: sums.wagers + wagers, wins: sums.wins + wins });
    };
    const touch = (userId: string, session: PlaySession) => {
      const latest = latestSession.get(userId);
      if (!latest || session.lastActivityAt > latest.lastActivityAt) latestSession.set(userId, session);
    };

    const sizes = batchSizes(activity, 'recordPlays');
    for (const round of [0, 1]) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const userId = players[i % 3];
          const day = i % 2 === 0 ? '2026-03-04' : '2026-03-03';
          const at = new Date(`${day}T12:00:00Z`);
          const amount = BigInt(i + 1);
          // (i * 17) % 50 runs through 0..49: every record has its own last activity, in no particular order.
          const lastActivityAt = new Date(NOW.getTime() + (round * 60 + ((i * 17) % 50)) * MINUTE);
          const session = { startedAt: new Date(lastActivityAt.getTime() - (i + 1) * MINUTE), lastActivityAt };
          const clearance = { userId, currency: 'EUR', amount, session, limitGuarded: false };
          switch (i % 4) {
            case 0:
              count(userId, day, amount, amount * 2n);
              touch(userId, session);
              return activity.recordPlay({ userId, currency: 'EUR', day, wagers: amount, wins: amount * 2n, session });
            case 1:
              count(userId, day, amount, 0n);
              touch(userId, session);
              return rg.recordClearedBet(clearance, at);
            case 2:
              count(userId, day, 0n, amount);
              return rg.recordWin(userId, amount, 'EUR', at);
            default:
              touch(userId, session);
              return rg.touchClearedSession(clearance);
          }
        }),
      );
    }

    expect(Math.max(...sizes)).toBeGreaterThan(1);
    // Each record ran in exactly one batch: no batch failed and fell back to one by one.
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100);
    const counters = (await db.query(
      `SELECT user_id, day::text AS day, deposits::text, wagers::text, wins::text
       FROM rg_activity_daily WHERE user_id = ANY ($1) ORDER BY user_id, day`,
      [players],
    )) as { user_id: string; day: string; deposits: string; wagers: string; wins: string }[];
    expect(
      new Map(
        counters.map((row) => [`${row.user_id} ${row.day}`, { wagers: BigInt(row.wagers), wins: BigInt(row.wins) }]),
      ),
    ).toEqual(expectedCounters);
    expect(counters.every((row) => row.deposits === '0')).toBe(true);
    const sessions = (await db.query(
      `SELECT user_id, started_at, last_activity_at FROM rg_play_sessions WHERE user_id = ANY ($1)`,
      [players],
    )) as { user_id: string; started_at: Date; last_activity_at: Date }[];
    expect(
      new Map(
        sessions.map((row) => [row.user_id, { startedAt: row.started_at, lastActivityAt: row.last_activity_at }]),
      ),
    ).toEqual(latestSession);
  });

  it('still refuses a bet past the wager limit once concurrently recorded wagers reach it', async () => {
    const [userId] = await newPlayers('rg-wager-limit', 1);
    await limit(userId, 'wagerDay', 1000);
    await Promise.all(
      Array.from({ length: 10 }, async () => rg.recordClearedBet(await rg.clearBet(userId, 100n, 'EUR'), clock.now())),
    );
    const refusal = {
      code: 'RG_WAGER_LIMIT_REACHED',
      details: { period: 'day', used: '1000', remaining: '0', resetsAt: '2026-03-05T00:00:00.000Z' },
    };
    await expect(rg.clearBet(userId, 1n, 'EUR')).rejects.toMatchObject(refusal);
    await expect(rg.assertCanBet(userId, 1n, 'EUR')).rejects.toMatchObject(refusal);
    await expect(Promise.allSettled(Array.from({ length: 5 }, () => rg.clearBet(userId, 1n, 'EUR')))).resolves.toEqual(
      Array.from({ length: 5 }, () => expect.objectContaining({ status: 'rejected' })),
    );
    expect(await activity.totals(userId, 'EUR', utcDay(NOW), '2026-03-05')).toMatchObject({ wagers: 1000n });
    clock.set(new Date('2026-03-05T00:00:00Z'));
    await expect(rg.clearBet(userId, 1000n, 'EUR')).resolves.toMatchObject({ amount: 1000n });
  });

  it('takes reversals off the day that counted them, never below zero and never creating a day', async () => {
    const [userId] = await newPlayers('rg-reversal', 1);
    const day = utcDay(NOW);
    await activity.recordPlay({ userId, currency: 'EUR', day, wagers: 500n, wins: 100n });
    await Promise.all([
      activity.recordPlay({ userId, currency: 'EUR', day, wagers: -200n }),
      activity.recordPlay({ userId, currency: 'EUR', day, wins: -250n }),
      activity.recordPlay({ userId, currency: 'EUR', day: '2026-03-01', wagers: -50n }),
    ]);
    expect(await activity.totals(userId, 'EUR', day, '2026-03-05')).toEqual({ deposits: 0n, wagers: 300n, wins: 0n });
    const days = (await app
      .get(DataSource)
      .query(`SELECT day::text FROM rg_activity_daily WHERE user_id = $1`, [userId])) as { day: string }[];
    expect(days).toEqual([{ day }]);
    // A wager limit sees only what is still standing: 700 more fit under 1,000.
    await limit(userId, 'wagerDay', 1000);
    await expect(rg.clearBet(userId, 700n, 'EUR')).resolves.toMatchObject({ amount: 700n });
    await expect(rg.clearBet(userId, 701n, 'EUR')).rejects.toMatchObject({ code: 'RG_WAGER_LIMIT_REACHED' });
  });
});
