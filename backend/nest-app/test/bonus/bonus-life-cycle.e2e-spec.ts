import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ManualClock } from '../../src/common/time/clock';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { BonusLifeCycleSweeper } from '../../src/modules/bonus/player-bonuses/bonus-life-cycle.sweeper';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { bearer, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88 } from '../game/support/fake-hub88';
import { newPlayer, startGameTestApp } from '../game/support/game-test-app';
import { Hub88Client } from '../game/support/hub88-client';
import { expectInvariants, walletKit } from '../wallet-test-kit';
import { bonusKit } from './bonus-test-kit';

const SLOTS = 'clt_dragonrising';
const hub = (minor: number): number => minor * 1000;

/**
 * The bonus life cycle beyond bets (docs/bonuses.md "Expiry and stuck conversions", "Staff cancel"): the sweep expires
 * bonuses past their validity (whole bonus balance back, `bonus_expire`) and converts completed ones whose conversion
 * was lost; staff cancel a bonus with a reason. Facts: shared/reference/bonuses.md ("Books": expiries are ledger
 * transactions of their own type; conversion once).
 */
describe('bonus life cycle: expiry sweep, stuck conversions, staff cancel (e2e)', () => {
  const hub88 = new FakeHub88();
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clock: ManualClock;
  let client: Hub88Client;
  let db: DataSource;
  let admin: SignedIn;
  let kit: ReturnType<typeof bonusKit>;
  let sweeper: BonusLifeCycleSweeper;
  /** €10, 2x wagering (2000), at most €6 to cash. */
  let small: string;
  let offer: string;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: SLOTS, name: 'Dragon Rising', category: 'slots' }];
    environment = await createTestEnvironment('bonus-life-cycle', {
      ...hub88.settings(),
      ADMIN_EMAIL: adminEmail,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      OUTBOX_RELAY_ENABLED: 'false',
      BONUS_SWEEP_INTERVAL_SECONDS: '0',
    });
    ({ app, clock } = await startGameTestApp(environment.config));
    client = new Hub88Client(app, hub88);
    db = app.get(DataSource);
    sweeper = app.get(BonusLifeCycleSweeper);
    await app.get(CatalogSyncService).syncAll();
    admin = await signInAsStaff(app, adminEmail);
    kit = bonusKit(app, admin);
    small = await kit.template({ amount: '1000', wageringMultiplier: 2, maxBet: '1000', maxConversion: '600' });
    offer = await kit.template({ amount: '1000', optIn: true });
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    // `npm run wallet:verify`'s checks.
    await expectInvariants(walletKit(app));
  });

  async function granted(label: string, cash: bigint, templateId = small) {
    const player = await newPlayer(app, label, cash);
    const response = await kit.grant(templateId, player.userId);
    expect(response.statusCode).toBe(201);
    return { ...player, bonusId: response.json<{ id: string }>().id };
  }

  async function launched(label: string, cash: bigint) {
    const player = await granted(label, cash);
    const [game] = (await db.query(`SELECT id FROM games WHERE game_code = $1`, [SLOTS])) as { id: string }[];
    const launch = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${game?.id ?? ''}/launch`,
      headers: player.headers,
      payload: { mode: 'real', platform: 'desktop', language: 'en' },
    });
    expect(launch.statusCode).toBe(200);
    return { ...player, token: hub88.tokenOf(player.userId) };
  }

  function bet(player: { userId: string; token: string }, minor: number): Record<string, unknown> {
    return {
      user: player.userId,
      transaction_uuid: randomUUID(),
      supplier_transaction_id: `sup-${randomUUID()}`,
      token: player.token,
      round: `round-${randomUUID()}`,
      round_closed: false,
      reward_uuid: null,
      is_free: false,
      game_code: SLOTS,
      currency: 'EUR',
      bet: null,
      amount: hub(minor),
      meta: null,
    };
  }

  /** Past its validity and completed long ago, by the app's (manual) clock. */
  async function backdate(bonusId: string): Promise<void> {
    const now = clock.now().getTime();
    await db.query(`UPDATE player_bonuses SET expires_at = $2, updated_at = $3 WHERE id = $1`, [
      bonusId,
      new Date(now - 1000),
      new Date(now - 3_600_000),
    ]);
  }

  async function status(bonusId: string): Promise<string | undefined> {
    const [row] = (await db.query(`SELECT status FROM player_bonuses WHERE id = $1`, [bonusId])) as {
      status: string;
    }[];
    return row?.status;
  }

  /** The player's bonus ledger transactions by type (alphabetical: one command's timestamps may tie). */
  async function ledgerTypes(userId: string): Promise<string[]> {
    const rows = (await db.query(
      `SELECT t.type FROM ledger_transactions t JOIN wallets w ON w.id = t.wallet_id
        WHERE w.user_id = $1 AND t.type LIKE 'bonus_%' ORDER BY t.type`,
      [userId],
    )) as { type: string }[];
    return rows.map((row) => row.type);
  }

  async function audits(action: string, bonusId: string) {
    return (await db.query(
      `SELECT actor_id, actor_roles, details FROM audit_log WHERE action = $1 AND target_id = $2`,
      [action, bonusId],
    )) as { actor_id: string | null; actor_roles: string[]; details: Record<string, string> }[];
  }

  describe('expiry sweep', () => {
    it('expires an active bonus past its validity: the bonus balance back, cash stays, log, event, audit', async () => {
      const player = await granted('expire', 700n);
      expect(await sweeper.sweep()).toEqual({ expired: 0, converted: 0 });
      expect(await status(player.bonusId)).toBe('active');
      await backdate(player.bonusId);
      expect((await sweeper.sweep()).expired).toBe(1);
      expect(await kit.balances(player.userId)).toEqual({ cash: 700n, bonus: 0n });
      expect(await kit.transitions(player.bonusId)).toEqual([
        '->offered:staff_grant',
        'offered>active:staff_grant',
        'active>expired:validity_elapsed',
      ]);
      expect(await kit.events(player.bonusId)).toEqual(['bonus.activated', 'bonus.expired']);
      const [removed] = (await db.query(
        `SELECT envelope -> 'payload' ->> 'removedFromBonus' AS removed FROM outbox_events
          WHERE aggregate_id = $1 AND event_type = 'bonus.expired'`,
        [player.bonusId],
      )) as { removed: string }[];
      expect(removed?.removed).toBe('1000');
      expect(await ledgerTypes(player.userId)).toEqual(['bonus_expire', 'bonus_grant']);
      expect(await audits('bonus.expire', player.bonusId)).toEqual([
        expect.objectContaining({
          actor_id: null,
          actor_roles: ['system'],
          details: expect.objectContaining({ removedFromBonus: '1000', from: 'active' }),
        }),
      ]);
      // Idempotent: a second pass finds nothing to do.
      expect(await sweeper.sweep()).toEqual({ expired: 0, converted: 0 });
      expect(await ledgerTypes(player.userId)).toEqual(['bonus_expire', 'bonus_grant']);
    });

    it('lapses an offer past its validity without money', async () => {
      const player = await granted('offer', 0n, offer);
      await backdate(player.bonusId);
      expect((await sweeper.sweep()).expired).toBe(1);
      expect(await status(player.bonusId)).toBe('expired');
      expect(await kit.events(player.bonusId)).toEqual(['bonus.offered', 'bonus.expired']);
      expect(await ledgerTypes(player.userId)).toEqual([]);
      expect(await audits('bonus.expire', player.bonusId)).toHaveLength(1);
    });

    it('two sweeps at once end each bonus once: one expiry transaction, one log row, one event', async () => {
      const players = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((l) => granted(`race-${l}`, 100n)));
      for (const player of players) await backdate(player.bonusId);
      const [first, second] = await Promise.all([sweeper.sweep(), sweeper.sweep()]);
      expect(first.expired + second.expired).toBe(players.length);
      for (const player of players) {
        expect(await status(player.bonusId)).toBe('expired');
        expect(await ledgerTypes(player.userId)).toEqual(['bonus_expire', 'bonus_grant']);
        expect(await kit.events(player.bonusId)).toEqual(['bonus.activated', 'bonus.expired']);
        expect(await audits('bonus.expire', player.bonusId)).toHaveLength(1);
        expect(await kit.balances(player.userId)).toEqual({ cash: 100n, bonus: 0n });
      }
    });

    it('a sweep racing the player forfeit ends the bonus once, and the loser moves no money', async () => {
      const player = await granted('race-forfeit', 0n);
      await backdate(player.bonusId);
      const [, forfeit] = await Promise.all([sweeper.sweep(), kit.act(player.headers, player.bonusId, 'forfeit')]);
      const ended = await status(player.bonusId);
      expect(['expired', 'forfeited']).toContain(ended);
      expect(forfeit.statusCode).toBe(ended === 'forfeited' ? 200 : 409);
      expect(await ledgerTypes(player.userId)).toHaveLength(2);
      expect(await kit.events(player.bonusId)).toHaveLength(2);
      expect(await kit.balances(player.userId)).toEqual({ cash: 0n, bonus: 0n });
    });
  });

  describe('stuck conversions', () => {
    it('converts a bonus whose conversion failed after the completing bet (a crash between the two)', async () => {
      const player = await launched('stuck', 3000n);
      // The conversion after the bet fails as if the process died between the bet's commit and its conversion.
      jest.spyOn(WalletService.prototype, 'convertBonus').mockRejectedValueOnce(new Error('process died'));
      expect((await client.call('transaction/bet', bet(player, 1000))).body.status).toBe('RS_OK');
      expect((await client.call('transaction/bet', bet(player, 1000))).body.status).toBe('RS_OK');
      expect(await status(player.bonusId)).toBe('wagering_complete');
      expect(await kit.balances(player.userId)).toEqual({ cash: 1000n, bonus: 1000n });
      // Left to the bet path for a short while, then the sweep converts it, once.
      expect((await sweeper.sweep()).converted).toBe(0);
      await backdate(player.bonusId);
      expect(await sweeper.sweep()).toEqual({ expired: 0, converted: 1 });
      expect(await status(player.bonusId)).toBe('converted');
      expect(await kit.balances(player.userId)).toEqual({ cash: 1600n, bonus: 0n });
      expect(await Promise.all([sweeper.sweep(), sweeper.sweep()])).toEqual([
        { expired: 0, converted: 0 },
        { expired: 0, converted: 0 },
      ]);
      expect(await ledgerTypes(player.userId)).toEqual(['bonus_convert', 'bonus_grant']);
      expect(await kit.events(player.bonusId)).toEqual(['bonus.activated', 'bonus.converted']);
    });

    it('two sweeps at once convert a completed bonus once (also past its expiry: wagering met is not expired)', async () => {
      const player = await granted('stuck-race', 0n);
      await db.query(
        `UPDATE player_bonuses SET status = 'wagering_complete', wagering_done = wagering_required WHERE id = $1`,
        [player.bonusId],
      );
      await backdate(player.bonusId);
      const [a, b] = await Promise.all([sweeper.sweep(), sweeper.sweep()]);
      expect(a.converted + b.converted).toBe(1);
      expect(a.expired + b.expired).toBe(0);
      expect(await status(player.bonusId)).toBe('converted');
      expect(await kit.balances(player.userId)).toEqual({ cash: 600n, bonus: 0n });
      expect(await ledgerTypes(player.userId)).toEqual(['bonus_convert', 'bonus_grant']);
    });
  });
  describe('staff cancel', () => {
    function cancel(id: string, key: string | null = randomUUID(), payload: unknown = { reason: 'granted in error' }) {
      return app.inject({
        method: 'POST',
        url: `/api/v1/bonus/player-bonuses/${id}/cancel`,
        headers: { ...bearer(admin.accessToken), ...(key === null ? {} : { 'idempotency-key': key }) },
        payload: payload as Record<string, unknown>,
      });
    }

    it('cancels an active bonus: bonus money back, cash stays, audited with the reason; a retry answers the same', async () => {
      const player = await granted('cancel', 400n);
      const key = randomUUID();
      const canceled = await cancel(player.bonusId, key);
      expect(canceled.statusCode).toBe(200);
      expect(canceled.json()).toMatchObject({ id: player.bonusId, status: 'canceled' });
      expect(await kit.balances(player.userId)).toEqual({ cash: 400n, bonus: 0n });
      expect(await kit.transitions(player.bonusId)).toEqual([
        '->offered:staff_grant',
        'offered>active:staff_grant',
        'active>canceled:staff_cancel',
      ]);
      expect(await kit.events(player.bonusId)).toEqual(['bonus.activated', 'bonus.canceled']);
      expect(await ledgerTypes(player.userId)).toEqual(['bonus_forfeit', 'bonus_grant']);
      expect(await audits('bonus.cancel', player.bonusId)).toEqual([
        expect.objectContaining({
          actor_id: admin.userId,
          details: expect.objectContaining({ reason: 'granted in error', removedFromBonus: '1000' }),
        }),
      ]);
      const retry = await cancel(player.bonusId, key);
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toMatchObject({ status: 'canceled' });
      const another = await cancel(player.bonusId);
      expect(another.statusCode).toBe(409);
      expect(another.json()).toMatchObject({ error: { code: 'BONUS_TRANSITION_NOT_ALLOWED' } });
      expect(await audits('bonus.cancel', player.bonusId)).toHaveLength(1);
      expect(await ledgerTypes(player.userId)).toEqual(['bonus_forfeit', 'bonus_grant']);
    });

    it('cancels an offer without money; refuses completed bonuses, bad input and unknown ids, changing nothing', async () => {
      const offered = await granted('cancel-offer', 0n, offer);
      expect((await cancel(offered.bonusId)).json()).toMatchObject({ status: 'canceled' });
      expect(await kit.events(offered.bonusId)).toEqual(['bonus.offered', 'bonus.canceled']);
      expect(await ledgerTypes(offered.userId)).toEqual([]);

      const complete = await granted('cancel-complete', 0n);
      await db.query(
        `UPDATE player_bonuses SET status = 'wagering_complete', wagering_done = wagering_required WHERE id = $1`,
        [complete.bonusId],
      );
      const refused = await cancel(complete.bonusId);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: { code: 'BONUS_TRANSITION_NOT_ALLOWED' } });

      const active = await granted('cancel-bad', 0n);
      expect((await cancel(active.bonusId, null)).statusCode).toBe(400);
      const noReason = await cancel(active.bonusId, randomUUID(), {});
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
      expect((await cancel(randomUUID())).json()).toMatchObject({ error: { code: 'BONUS_NOT_FOUND' } });
      const player = await newPlayer(app, 'not-staff');
      const asPlayer = await app.inject({
        method: 'POST',
        url: `/api/v1/bonus/player-bonuses/${active.bonusId}/cancel`,
        headers: { ...player.headers, 'idempotency-key': randomUUID() },
        payload: { reason: 'trying my luck' },
      });
      expect(asPlayer.statusCode).toBe(403);
      expect(await status(active.bonusId)).toBe('active');
      expect(await kit.balances(active.userId)).toEqual({ cash: 0n, bonus: 1000n });
      expect(await audits('bonus.cancel', active.bonusId)).toEqual([]);
    });
  });
});
