import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CashbackJob, lastCompletePeriod } from '../../src/modules/bonus/cashback/cashback.job';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { newPlayer, startGameTestApp } from '../game/support/game-test-app';
import { signInAsStaff, uniqueEmail } from '../support/sign-in';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { expectInvariants, walletKit } from '../wallet-test-kit';
import { bonusKit } from './bonus-test-kit';

const DAY_MS = 86_400_000;

/**
 * Cashback (docs/bonuses.md "Cashback"): 10 % of each player's net cash loss of the last complete day, from the
 * ledger (cash bets − cash wins − rollbacks), paid once per player and period as a bonus with its wagering.
 */
describe('cashback job (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let wallets: WalletService;
  let db: DataSource;
  let kit: ReturnType<typeof bonusKit>;
  let templateId: string;

  beforeAll(async () => {
    environment = await createTestEnvironment('bonus-cashback', {
      ADMIN_EMAIL: adminEmail,
      OUTBOX_RELAY_ENABLED: 'false',
      BONUS_CASHBACK_INTERVAL_SECONDS: '0',
    });
    ({ app } = await startGameTestApp(environment.config));
    wallets = app.get(WalletService);
    db = app.get(DataSource);
    kit = bonusKit(app, await signInAsStaff(app, adminEmail));
    templateId = await kit.template({
      name: 'Daily 10 % cashback',
      kind: 'cashback',
      amount: undefined,
      cashbackPercent: 10,
      periodDays: 1,
      wageringMultiplier: 1,
    });
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  afterEach(async () => {
    await expectInvariants(walletKit(app));
  });

  const game = { provider: 'test-game', metadata: {} };
  function bet(userId: string, amount: bigint, key = randomUUID()) {
    return wallets.placeBet({
      ...game,
      idempotency: { scope: 'test-game', key },
      wallet: { userId },
      currency: 'EUR',
      amount,
    });
  }
  function win(userId: string, amount: bigint) {
    return wallets.settleWin({
      ...game,
      idempotency: { scope: 'test-game', key: randomUUID() },
      wallet: { userId },
      currency: 'EUR',
      amount,
    });
  }

  async function cashbackOf(userId: string) {
    return (await db.query(
      `SELECT amount::text AS amount, wagering_required::text AS required, status, grant_key FROM player_bonuses
        WHERE user_id = $1 AND grant_key LIKE 'cashback:%'`,
      [userId],
    )) as { amount: string; required: string; status: string; grant_key: string }[];
  }

  it('aligns periods so that every run within one names the same', () => {
    const at = new Date('2026-12-08T03:00:00Z');
    expect(lastCompletePeriod(at, 1)).toEqual({
      from: new Date('2026-12-07T00:00:00Z'),
      to: new Date('2026-12-08T00:00:00Z'),
    });
    expect(lastCompletePeriod(new Date('2026-12-08T23:59:59Z'), 1)).toEqual(lastCompletePeriod(at, 1));
  });

  it('pays 10 % of net cash losses once per player and period; a net winner gets nothing; a second run pays nothing', async () => {
    const loser = await newPlayer(app, 'loser', 5000n);
    const winner = await newPlayer(app, 'winner', 5000n);
    // Loser: −1000 −300 (rolled back) +200 → net loss 800.
    await bet(loser.userId, 1000n);
    const undone = randomUUID();
    await bet(loser.userId, 300n, undone);
    await wallets.rollback({
      idempotency: { scope: 'test-game', key: `rollback:${undone}` },
      target: { idempotency: { scope: 'test-game', key: undone } },
    });
    await win(loser.userId, 200n);
    // Winner: −100 +500 → net win.
    await bet(winner.userId, 100n);
    await win(winner.userId, 500n);

    // A run during the day of the play pays nothing for it (the period is not over).
    const job = app.get(CashbackJob);
    const today = (await job.run()).find((run) => run.templateId === templateId);
    expect(await cashbackOf(loser.userId)).toEqual([]);
    expect(today?.period.to.getTime()).toBeLessThanOrEqual(Date.now());

    const tomorrow = new Date(Date.now() + DAY_MS);
    const [first, second] = await Promise.all([job.run(tomorrow), job.run(tomorrow)]);
    const runs = [first, second].map((answer) => answer.find((run) => run.templateId === templateId));
    expect(runs.map((run) => run?.losers)).toEqual([1, 1]);
    expect((runs[0]?.granted ?? 0) + (runs[1]?.granted ?? 0)).toBe(1);
    const again = (await job.run(tomorrow)).find((run) => run.templateId === templateId);
    expect(again).toMatchObject({ losers: 1, granted: 0, notGranted: 1 });

    const paid = await cashbackOf(loser.userId);
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ amount: '80', required: '80', status: 'active' });
    expect(await kit.balances(loser.userId)).toEqual({ cash: 5000n - 800n, bonus: 80n });
    expect(await cashbackOf(winner.userId)).toEqual([]);
    expect(await kit.balances(winner.userId)).toEqual({ cash: 5400n, bonus: 0n });
  });
});
