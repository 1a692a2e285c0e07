import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { newPlayer, startGameTestApp } from '../game/support/game-test-app';
import { expectInvariants, walletKit } from '../wallet-test-kit';
import { bonusKit } from './bonus-test-kit';

/**
 * Player bonuses over HTTP (docs/bonuses.md). Facts: shared/reference/bonuses.md — no offers to self-excluded or
 * timed-out players (Eligibility), leave at any time (CMA), grants and forfeits as ledger transactions (Books).
 */
describe('player bonuses: staff grant, opt-in, forfeit (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let admin: SignedIn;
  let kit: ReturnType<typeof bonusKit>;

  beforeAll(async () => {
    environment = await createTestEnvironment('player-bonuses', {
      ADMIN_EMAIL: adminEmail,
      OUTBOX_RELAY_ENABLED: 'false',
    });
    ({ app } = await startGameTestApp(environment.config));
    admin = await signInAsStaff(app, adminEmail);
    kit = bonusKit(app, admin);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  afterEach(async () => {
    await expectInvariants(walletKit(app));
  });

  it('grants a no-deposit bonus once per Idempotency-Key: bonus money, log, event and audit in one step', async () => {
    const templateId = await kit.template();
    const player = await newPlayer(app, 'grant', 1000n);
    const key = randomUUID();
    const first = await kit.grant(templateId, player.userId, key);
    expect(first.statusCode).toBe(201);
    const bonus = first.json<{ id: string; status: string; wagering: { required: string } }>();
    expect(bonus).toMatchObject({ status: 'active', wagering: { required: '50000' } });
    const again = await kit.grant(templateId, player.userId, key);
    expect(again.json<{ id: string }>().id).toBe(bonus.id);
    expect(await kit.balances(player.userId)).toEqual({ cash: 1000n, bonus: 5000n });
    expect(await kit.transitions(bonus.id)).toEqual(['->offered:staff_grant', 'offered>active:staff_grant']);
    expect(await kit.events(bonus.id)).toEqual(['bonus.activated']);
    const audit = (await app
      .get(DataSource)
      .query(`SELECT actor_id, details FROM audit_log WHERE action = 'bonus.grant' AND target_id = $1`, [
        bonus.id,
      ])) as { actor_id: string; details: { reason: string } }[];
    expect(audit).toEqual([
      expect.objectContaining({
        actor_id: admin.userId,
        details: expect.objectContaining({ reason: 'goodwill after an outage' }),
      }),
    ]);
    const [listed] = await kit.mine(player.headers);
    expect(listed).toMatchObject({
      id: bonus.id,
      amount: '5000',
      wagering: { required: '50000', done: '0', remaining: '50000' },
      terms: { maxBet: '500', maxConversion: '2000', gameWeights: { slots: 100, table: 10, live: 0 } },
    });
    // A second bonus while one is active is refused, and the key of another grant answers 409 BONUS_ALREADY_ACTIVE.
    const second = await kit.grant(templateId, player.userId);
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: 'BONUS_ALREADY_ACTIVE' } });
  });

  it('offers an opt-in bonus without money; opting in credits it once', async () => {
    const templateId = await kit.template({ optIn: true });
    const player = await newPlayer(app, 'optin');
    const offered = (await kit.grant(templateId, player.userId)).json<{ id: string; status: string }>();
    expect(offered.status).toBe('offered');
    expect(await kit.balances(player.userId)).toEqual({ cash: 0n, bonus: 0n });
    const [a, b] = await Promise.all([
      kit.act(player.headers, offered.id, 'opt-in'),
      kit.act(player.headers, offered.id, 'opt-in'),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 200]);
    expect(await kit.balances(player.userId)).toEqual({ cash: 0n, bonus: 5000n });
    expect(await kit.transitions(offered.id)).toEqual(['->offered:staff_grant', 'offered>active:player_opt_in']);
    expect(await kit.events(offered.id)).toEqual(['bonus.offered', 'bonus.activated']);
  });

  it('forfeits an active bonus: the bonus money goes back, cash stays, and a second forfeit is 409', async () => {
    const templateId = await kit.template();
    const player = await newPlayer(app, 'forfeit', 700n);
    const { id } = (await kit.grant(templateId, player.userId)).json<{ id: string }>();
    const forfeited = await kit.act(player.headers, id, 'forfeit');
    expect(forfeited.statusCode).toBe(200);
    expect(forfeited.json()).toMatchObject({ status: 'forfeited' });
    expect(await kit.balances(player.userId)).toEqual({ cash: 700n, bonus: 0n });
    expect(await kit.events(id)).toEqual(['bonus.activated', 'bonus.forfeited']);
    const again = await kit.act(player.headers, id, 'forfeit');
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'BONUS_TRANSITION_NOT_ALLOWED' } });
    const other = await newPlayer(app, 'other');
    expect((await kit.act(other.headers, id, 'forfeit')).statusCode).toBe(404);
  });

  it('refuses a timed-out player with 422 BONUS_PLAYER_EXCLUDED and stores nothing', async () => {
    const templateId = await kit.template();
    const player = await newPlayer(app, 'timeout');
    const timeOut = await app.inject({
      method: 'POST',
      url: '/api/v1/users/me/responsible-gaming/time-out',
      headers: player.headers,
      payload: { hours: 24 },
    });
    expect(timeOut.statusCode).toBeLessThan(300);
    const refused = await kit.grant(templateId, player.userId);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      error: { code: 'BONUS_PLAYER_EXCLUDED', details: { exclusion: 'time_out' } },
    });
    const rows = (await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM player_bonuses WHERE user_id = $1`, [player.userId])) as { n: number }[];
    expect(rows[0]?.n).toBe(0);
    expect(await kit.balances(player.userId)).toEqual({ cash: 0n, bonus: 0n });
  });

  it('answers 400 without an Idempotency-Key or a reason, and 422 for a deposit-match template', async () => {
    const player = await newPlayer(app, 'bad');
    const templateId = await kit.template();
    const noKey = await app.inject({
      method: 'POST',
      url: '/api/v1/bonus/grants',
      headers: { authorization: `Bearer ${admin.accessToken}` },
      payload: { templateId, userId: player.userId, reason: 'goodwill' },
    });
    expect(noKey.statusCode).toBe(400);
    expect((await kit.grant(templateId, player.userId, randomUUID(), '')).statusCode).toBe(400);
    const match = await kit.template({
      kind: 'deposit_match',
      amount: undefined,
      matchPercent: 100,
      maxBonus: '5000',
      minDeposit: '1000',
    });
    const refused = await kit.grant(match, player.userId);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      error: { code: 'BONUS_NOT_GRANTABLE', details: { reason: 'not_a_no_deposit_bonus' } },
    });
  });
});
