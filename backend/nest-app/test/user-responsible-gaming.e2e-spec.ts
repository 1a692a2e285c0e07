import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { ManualClock } from '../src/common/time/clock';
import { seedEligiblePlayer } from '../src/modules/user/eligibility/seed-eligible-player';
import { ResponsibleGamingService } from '../src/modules/user/responsible-gaming/responsible-gaming.service';
import { UsersService } from '../src/modules/user/users.service';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { signedInAs } from './support/user-test-auth';
import { startUserTestApp } from './support/user-test-app';

// Rules: ../shared/reference/responsible-gaming.md (UKGC RTS 12 limits, RTS 13 sessions, LCCP 3.5 self-exclusion).
const HOUR = 3_600_000;
const MINUTE = 60_000;
const ORIGIN = { ip: '203.0.113.11', userAgent: 'jest' };

describe('responsible gaming (e2e, ManualClock)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clock: ManualClock;
  let users: UsersService;
  let rg: ResponsibleGamingService;

  beforeAll(async () => {
    environment = await createTestEnvironment('user-rg');
    ({ app, clock } = await startUserTestApp(environment.config, new Date('2026-03-04T10:00:00Z')));
    users = app.get(UsersService);
    rg = app.get(ResponsibleGamingService);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  beforeEach(() => clock.set(new Date('2026-03-04T10:00:00Z'))); // a Wednesday

  /** Eligible for real money (the bet gate of the money path checks it first). */
  async function newPlayer(email: string): Promise<string> {
    const userId = (await users.findOrRegisterByEmail(email, ORIGIN)).account.id;
    await seedEligiblePlayer(app, userId, 'test');
    return userId;
  }

  async function put(userId: string, payload: object) {
    return app.inject({
      method: 'PUT',
      url: '/api/v1/users/me/responsible-gaming',
      headers: await signedInAs(app, userId),
      payload,
    });
  }

  async function post(userId: string, path: string, payload?: object) {
    return app.inject({
      method: 'POST',
      url: `/api/v1/users/me/responsible-gaming/${path}`,
      headers: await signedInAs(app, userId),
      payload,
    });
  }

  async function codeOf(attempt: Promise<unknown>): Promise<string | undefined> {
    try {
      await attempt;
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  }

  it('applies a decrease at once; an increase waits 24 h and then needs the player to confirm', async () => {
    const userId = await newPlayer('limits@example.test');
    const first = await put(userId, { depositDay: '10000', reason: 'budget' });
    expect(first.json().limits.depositDay).toMatchObject({ value: '10000', currency: 'EUR', pending: null });
    const decreased = await put(userId, { depositDay: '5000' });
    expect(decreased.json().limits.depositDay).toMatchObject({ value: '5000', pending: null });

    const increased = await put(userId, { depositDay: '20000' });
    expect(increased.json().limits.depositDay).toEqual({
      value: '5000',
      currency: 'EUR',
      used: '0',
      resetsAt: '2026-03-05T00:00:00.000Z',
      pending: {
        value: '20000',
        requestedAt: '2026-03-04T10:00:00.000Z',
        confirmableAt: '2026-03-05T10:00:00.000Z',
        confirmable: false,
      },
    });
    expect(await codeOf(rg.assertCanDeposit(userId, 6000n, 'EUR'))).toBe('RG_DEPOSIT_LIMIT_REACHED');

    clock.advance(24 * HOUR - 1);
    const early = await post(userId, 'limits/depositDay/confirm');
    expect(early.statusCode).toBe(422);
    expect(early.json().error).toMatchObject({
      code: 'RG_COOLING_OFF_NOT_ELAPSED',
      details: { confirmableAt: '2026-03-05T10:00:00.000Z' },
    });

    clock.advance(1);
    // 24 h passed, but without the player's confirmation the old limit still applies.
    expect(await codeOf(rg.assertCanDeposit(userId, 6000n, 'EUR'))).toBe('RG_DEPOSIT_LIMIT_REACHED');
    const confirmed = await post(userId, 'limits/depositDay/confirm');
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().limits.depositDay).toMatchObject({ value: '20000', pending: null });
    await expect(rg.assertCanDeposit(userId, 6000n, 'EUR')).resolves.toBeUndefined();

    const again = await post(userId, 'limits/depositDay/confirm');
    expect(again.json().error.code).toBe('RG_NO_PENDING_CHANGE');

    const history = await app
      .get(DataSource)
      .query(
        `SELECT action, previous_value, effective_value, actor_id, reason FROM rg_limit_changes WHERE user_id = $1 ORDER BY id`,
        [userId],
      );
    expect(history).toEqual([
      { action: 'applied', previous_value: null, effective_value: '10000', actor_id: userId, reason: 'budget' },
      { action: 'applied', previous_value: '10000', effective_value: '5000', actor_id: userId, reason: null },
      { action: 'increase_requested', previous_value: '5000', effective_value: '5000', actor_id: userId, reason: null },
      { action: 'confirmed', previous_value: '5000', effective_value: '20000', actor_id: userId, reason: null },
    ]);
  });

  it('makes a removal pending as well', async () => {
    const userId = await newPlayer('removal@example.test');
    await put(userId, { wagerWeek: '100000', sessionTimeMinutes: 120 });
    const removal = await put(userId, { wagerWeek: null, sessionTimeMinutes: 60 });
    expect(removal.json().limits.wagerWeek).toMatchObject({ value: '100000', pending: { value: null } });
    expect(removal.json().limits.sessionTimeMinutes).toMatchObject({ value: '60', pending: null });
  });

  it('refuses a deposit past the daily limit with RG_DEPOSIT_LIMIT_REACHED and when it resets', async () => {
    const userId = await newPlayer('deposit-limit@example.test');
    await put(userId, { depositDay: '10000', depositMonth: '50000' });
    await rg.assertCanDeposit(userId, 7000n, 'EUR');
    await rg.recordDeposit(userId, 7000n, 'EUR', clock.now());
    await expect(rg.assertCanDeposit(userId, 3000n, 'EUR')).resolves.toBeUndefined();
    await expect(rg.assertCanDeposit(userId, 3001n, 'EUR')).rejects.toMatchObject({
      code: 'RG_DEPOSIT_LIMIT_REACHED',
      details: {
        period: 'day',
        limit: '10000',
        used: '7000',
        remaining: '3000',
        currency: 'EUR',
        resetsAt: '2026-03-05T00:00:00.000Z',
      },
    });
    clock.set(new Date('2026-03-05T00:00:00Z'));
    await expect(rg.assertCanDeposit(userId, 10000n, 'EUR')).resolves.toBeUndefined();
    await rg.recordDeposit(userId, 10000n, 'EUR', clock.now());
    // Day and month both exceeded: the answer names the month, which resets last.
    await expect(rg.assertCanDeposit(userId, 40000n, 'EUR')).rejects.toMatchObject({
      details: { period: 'month', used: '17000', resetsAt: '2026-04-01T00:00:00.000Z' },
    });
    const shown = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/users/me/responsible-gaming',
        headers: await signedInAs(app, userId),
      })
    ).json();
    expect(shown.limits.depositMonth).toMatchObject({ used: '17000', resetsAt: '2026-04-01T00:00:00.000Z' });
    expect(await codeOf(rg.assertCanDeposit(userId, 100n, 'GBP'))).toBe('RG_LIMIT_CURRENCY_MISMATCH');
  });

  it('locks the account currency at the first deposit', async () => {
    const userId = await newPlayer('currency-lock@example.test');
    await rg.recordDeposit(userId, 500n, 'EUR', clock.now());
    const response = await app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: await signedInAs(app, userId),
      payload: { currency: 'GBP' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('CURRENCY_LOCKED');
  });

  it('counts net loss for the loss limit and stakes for the wager limit', async () => {
    const userId = await newPlayer('loss-limit@example.test');
    await put(userId, { lossDay: '1000', wagerDay: '5000' });
    await rg.recordBet(userId, 1000n, 'EUR', clock.now());
    await rg.recordWin(userId, 600n, 'EUR', clock.now());
    await expect(rg.assertCanBet(userId, 600n, 'EUR')).resolves.toBeUndefined();
    await expect(rg.assertCanBet(userId, 601n, 'EUR')).rejects.toMatchObject({
      code: 'RG_LOSS_LIMIT_REACHED',
      details: { used: '400', remaining: '600', resetsAt: '2026-03-05T00:00:00.000Z' },
    });
    await rg.recordWin(userId, 4000n, 'EUR', clock.now());
    await expect(rg.assertCanBet(userId, 4001n, 'EUR')).rejects.toMatchObject({
      code: 'RG_WAGER_LIMIT_REACHED',
      details: { used: '1000', remaining: '4000' },
    });
  });

  it('refuses a self-excluded player everywhere, immediately, until the period ends; the player cannot lift it', async () => {
    const userId = await newPlayer('self-excluded@example.test');
    const excluded = await post(userId, 'self-exclusion', { period: '6m', reason: 'need a break' });
    expect(excluded.json().exclusion).toEqual({
      kind: 'self_exclusion',
      period: '6m',
      startedAt: '2026-03-04T10:00:00.000Z',
      until: '2026-09-04T10:00:00.000Z',
    });
    const details = { until: '2026-09-04T10:00:00.000Z' };
    await expect(rg.assertCanBet(userId, 100n, 'EUR')).rejects.toMatchObject({ code: 'RG_SELF_EXCLUDED', details });
    await expect(rg.assertCanDeposit(userId, 100n, 'EUR')).rejects.toMatchObject({ code: 'RG_SELF_EXCLUDED', details });
    await expect(rg.assertCanLaunchGame(userId)).rejects.toMatchObject({ code: 'RG_SELF_EXCLUDED' });
    // A shorter time-out on top changes nothing about the self-exclusion.
    await post(userId, 'time-out', { hours: 24 });
    expect(await codeOf(rg.assertCanBet(userId, 100n, 'EUR'))).toBe('RG_SELF_EXCLUDED');
    clock.set(new Date('2026-09-04T09:59:59.999Z'));
    expect(await codeOf(rg.assertCanDeposit(userId, 100n, 'EUR'))).toBe('RG_SELF_EXCLUDED');
    clock.set(new Date('2026-09-04T10:00:00Z'));
    await expect(rg.assertCanDeposit(userId, 100n, 'EUR')).resolves.toBeUndefined();
  });

  it('keeps a permanent self-exclusion forever', async () => {
    const userId = await newPlayer('permanent@example.test');
    const excluded = await post(userId, 'self-exclusion', { period: 'permanent' });
    expect(excluded.json().exclusion.until).toBeNull();
    clock.advance(50 * 365 * 24 * HOUR);
    await expect(rg.assertCanBet(userId, 1n, 'EUR')).rejects.toMatchObject({
      code: 'RG_SELF_EXCLUDED',
      details: { until: null },
    });
  });

  it('refuses a timed-out player with RG_TIMED_OUT until the time-out ends', async () => {
    const userId = await newPlayer('timed-out@example.test');
    const tooShort = await post(userId, 'time-out', { hours: 23 });
    expect(tooShort.statusCode).toBe(400);
    const tooLong = await post(userId, 'time-out', { hours: 6 * 7 * 24 + 1 });
    expect(tooLong.statusCode).toBe(400);
    await post(userId, 'time-out', { hours: 72, reason: 'cooling down' });
    const until = '2026-03-07T10:00:00.000Z';
    await expect(rg.assertCanBet(userId, 100n, 'EUR')).rejects.toMatchObject({
      code: 'RG_TIMED_OUT',
      details: { until },
    });
    await expect(rg.assertCanDeposit(userId, 100n, 'EUR')).rejects.toMatchObject({
      code: 'RG_TIMED_OUT',
      details: { until },
    });
    clock.advance(72 * HOUR);
    await expect(rg.assertCanBet(userId, 100n, 'EUR')).resolves.toBeUndefined();
  });

  it('ends play at the session time limit until a 30-minute break', async () => {
    const userId = await newPlayer('session@example.test');
    await put(userId, { sessionTimeMinutes: 60, realityCheckMinutes: 20 });
    expect(await rg.assertCanLaunchGame(userId)).toEqual({
      sessionStartedAt: '2026-03-04T10:00:00.000Z',
      realityCheckMinutes: 20,
    });
    // Playing on: a bet every 10 minutes, then one at 59 minutes.
    for (const minutes of [10, 10, 10, 10, 10, 9]) {
      clock.advance(minutes * MINUTE);
      await expect(rg.assertCanBet(userId, 100n, 'EUR')).resolves.toBeUndefined();
    }
    clock.advance(MINUTE);
    await expect(rg.assertCanBet(userId, 100n, 'EUR')).rejects.toMatchObject({
      code: 'RG_SESSION_LIMIT_REACHED',
      details: { limitMinutes: 60, resetsAt: '2026-03-04T11:29:00.000Z' },
    });
    clock.set(new Date('2026-03-04T11:29:00Z'));
    expect((await rg.assertCanLaunchGame(userId)).sessionStartedAt).toBe('2026-03-04T11:29:00.000Z');
  });

  it('clears money-path bets in one read, records the wager with the session touch, sees a time-out at once', async () => {
    const userId = await newPlayer('money-path@example.test');
    await put(userId, { wagerWeek: '1000', sessionTimeMinutes: 60 });
    // Monday's wager counts in Wednesday's weekly total: the one read sums the ISO week.
    clock.set(new Date('2026-03-02T12:00:00Z'));
    await rg.recordClearedBet(await rg.clearBet(userId, 400n, 'EUR'), clock.now());
    clock.set(new Date('2026-03-04T10:00:00Z'));
    const first = await rg.clearBet(userId, 600n, 'EUR');
    expect(first.session.startedAt.toISOString()).toBe('2026-03-04T10:00:00.000Z');
    await expect(rg.clearBet(userId, 601n, 'EUR')).rejects.toMatchObject({
      code: 'RG_WAGER_LIMIT_REACHED',
      details: { used: '400', remaining: '600', resetsAt: '2026-03-09T00:00:00.000Z' },
    });
    // Bets the wallet then refused: they continue the session but count no wager.
    await rg.touchClearedSession(first);
    for (const minutes of [20, 20, 19]) {
      clock.advance(minutes * MINUTE);
      const later = await rg.clearBet(userId, 600n, 'EUR');
      expect(later.session.startedAt.toISOString()).toBe('2026-03-04T10:00:00.000Z');
      await rg.touchClearedSession(later);
    }
    clock.advance(MINUTE);
    await expect(rg.clearBet(userId, 1n, 'EUR')).rejects.toMatchObject({
      code: 'RG_SESSION_LIMIT_REACHED',
      details: { limitMinutes: 60, resetsAt: '2026-03-04T11:29:00.000Z' },
    });
    clock.set(new Date('2026-03-04T11:29:00Z'));
    await rg.recordClearedBet(await rg.clearBet(userId, 600n, 'EUR'), clock.now());
    expect(await codeOf(rg.clearBet(userId, 1n, 'EUR'))).toBe('RG_WAGER_LIMIT_REACHED');
    await post(userId, 'time-out', { hours: 24 });
    expect(await codeOf(rg.clearBet(userId, 1n, 'EUR'))).toBe('RG_TIMED_OUT');
  });
});
