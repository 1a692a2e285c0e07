import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PaymentIntentRepository } from '../src/modules/payment/intents/payment-intent.repository';
import { PaymentSettlement } from '../src/modules/payment/intents/payment-settlement';
import { PaymentReconciliation } from '../src/modules/payment/reconciliation/payment-reconciliation.service';
import { PaymentWithdrawalExpiry } from '../src/modules/payment/reconciliation/payment-withdrawal-expiry';
import type { LedgerResult } from '../src/modules/wallet/ledger/ledger.types';
import { WalletService } from '../src/modules/wallet/wallet.service';
import {
  EUR,
  balances,
  create,
  newPlayer,
  startPaymentSuite,
  verifyKyc,
  type PaymentSuite,
  type Player,
} from './payment-test-kit';
import { expectInvariants, walletKit } from './wallet-test-kit';

// Money moves once whatever fails between the wallet call and the intent's own write: a withdrawal's hold is found
// by its idempotency key when the intent never stored it, and a deposit's responsible-gaming record is written with
// the credit itself, so a replayed credit never counts the deposit again.

describe('payment money moves exactly once (integration: injected failures between the wallet and the intent)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let dataSource: DataSource;
  let intents: PaymentIntentRepository;
  let settlement: PaymentSettlement;
  let reconciliation: PaymentReconciliation;
  let wallets: WalletService;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-exactly-once', { OUTBOX_RELAY_ENABLED: 'false' });
    ({ app } = suite);
    dataSource = app.get(DataSource);
    intents = app.get(PaymentIntentRepository);
    settlement = app.get(PaymentSettlement);
    reconciliation = app.get(PaymentReconciliation);
    wallets = app.get(WalletService);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(() => suite?.close());

  async function withdrawer(cash: bigint): Promise<Player> {
    const player = await newPlayer(app, cash);
    await verifyKyc(app, player.userId);
    return player;
  }

  async function withdrawalsOf(
    userId: string,
  ): Promise<{ id: string; status: string; wallet_hold_id: string | null }[]> {
    return (await dataSource.query(
      `SELECT id, status, wallet_hold_id FROM payment_intents WHERE user_id = $1 AND kind = 'withdrawal' ORDER BY created_at`,
      [userId],
    )) as { id: string; status: string; wallet_hold_id: string | null }[];
  }

  /** The payment scope's ledger transactions of an intent, by type. */
  async function movementsOf(intentId: string): Promise<Record<string, number>> {
    const rows = (await dataSource.query(
      `SELECT type, count(*)::int AS n FROM ledger_transactions
        WHERE idempotency_scope = 'payment' AND metadata->>'paymentIntentId' = $1 GROUP BY type`,
      [intentId],
    )) as { type: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.type, row.n]));
  }

  async function pendingHolds(userId: string): Promise<number> {
    const rows = (await dataSource.query(
      `SELECT count(*)::int AS n FROM wallet_holds h JOIN wallets w ON w.id = h.wallet_id
        WHERE w.user_id = $1 AND h.status = 'pending'`,
      [userId],
    )) as { n: number }[];
    return rows[0]?.n ?? 0;
  }

  /** The player's gross deposits in the RG daily counters, all days and currencies (what the deposit limits read). */
  async function rgDeposits(userId: string): Promise<bigint> {
    const rows = (await dataSource.query(
      `SELECT coalesce(sum(deposits), 0)::text AS total FROM rg_activity_daily WHERE user_id = $1`,
      [userId],
    )) as { total: string }[];
    return BigInt(rows[0]?.total ?? '0');
  }

  /** Nothing happened to the intents for an hour: past the grace of the sweep and the withdrawal creation TTL. */
  async function leftAloneForAnHour(...intentIds: string[]): Promise<void> {
    await dataSource.query(
      `UPDATE payment_intents SET updated_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`,
      [intentIds],
    );
  }

  describe('a withdrawal whose hold was placed but never stored on the intent', () => {
    it('the hold call fails after the hold committed: the intent fails and the hold is released, once', async () => {
      const player = await withdrawer(5000n);
      const holdFunds = wallets.holdFunds.bind(wallets);
      jest.spyOn(wallets, 'holdFunds').mockImplementationOnce(async (input): Promise<LedgerResult> => {
        await holdFunds(input);
        throw new Error('Connection terminated unexpectedly');
      });

      const key = randomUUID();
      const response = await create(app, player, 'withdrawals', EUR('3000'), key);
      // A lost database connection is a 503 (ADR 0009 `unavailable`), not a bug's 500; its replay answers the same.
      expect(response.statusCode).toBe(503);
      const replay = await create(app, player, 'withdrawals', EUR('3000'), key);
      expect(replay.statusCode).toBe(503);
      expect(replay.json().error).toEqual(response.json().error);
      const [intent] = await withdrawalsOf(player.userId);
      expect(intent).toMatchObject({ status: 'failed' });
      expect(await balances(app, player.userId)).toMatchObject({ cash: 5000n, held: 0n });
      expect(await movementsOf(intent!.id)).toEqual({ hold: 1, hold_release: 1 });
      expect((await intents.findById(intent!.id))?.walletHoldId).not.toBeNull();

      await leftAloneForAnHour(intent!.id);
      await reconciliation.run({ graceSeconds: 0 });
      await reconciliation.run({ graceSeconds: 0 });
      expect(await movementsOf(intent!.id)).toEqual({ hold: 1, hold_release: 1 });
      expect(await pendingHolds(player.userId)).toBe(0);
      await expectInvariants(walletKit(app));
    });

    it('storing the hold id fails (or the process stops there): the sweep fails it after the TTL and releases the hold once', async () => {
      const player = await withdrawer(5000n);
      const transition = intents.transition.bind(intents);
      jest.spyOn(intents, 'transition').mockImplementation((manager, intent, to, cause, patch) => {
        if (patch?.walletHoldId) return Promise.reject(new Error('the process stopped here'));
        return transition(manager, intent, to, cause, patch);
      });

      const response = await create(app, player, 'withdrawals', EUR('3000'));
      expect(response.statusCode).toBe(500);
      jest.restoreAllMocks();
      const [intent] = await withdrawalsOf(player.userId);
      expect(intent).toMatchObject({ status: 'requires_payment_method', wallet_hold_id: null });
      expect(await balances(app, player.userId)).toMatchObject({ cash: 2000n, held: 3000n });

      // Within the TTL the creation may still be under way: the sweep leaves it alone.
      await reconciliation.run({ graceSeconds: 0 });
      expect((await withdrawalsOf(player.userId))[0]).toMatchObject({ status: 'requires_payment_method' });

      await leftAloneForAnHour(intent!.id);
      await Promise.all([reconciliation.run({ graceSeconds: 0 }), reconciliation.run({ graceSeconds: 0 })]);
      await reconciliation.run({ graceSeconds: 0 });

      const after = await intents.findById(intent!.id);
      expect(after).toMatchObject({ status: 'failed', failureCode: 'PAYMENT_CREATION_EXPIRED' });
      expect(after?.walletHoldId).not.toBeNull();
      expect(after?.settledAt).not.toBeNull();
      expect(await balances(app, player.userId)).toMatchObject({ cash: 5000n, held: 0n });
      expect(await movementsOf(intent!.id)).toEqual({ hold: 1, hold_release: 1 });
      expect(await pendingHolds(player.userId)).toBe(0);
      await expectInvariants(walletKit(app));
    });

    it('a failed withdrawal whose stored hold id was lost is released by the sweep from its key, once', async () => {
      const player = await withdrawer(4000n);
      const holdFunds = wallets.holdFunds.bind(wallets);
      jest.spyOn(wallets, 'holdFunds').mockImplementationOnce(async (input): Promise<LedgerResult> => {
        await holdFunds(input);
        throw new Error('Connection terminated unexpectedly');
      });
      // The settlement at creation fails too: the intent stays failed and unsettled for the sweep.
      jest.spyOn(settlement, 'settleQuietly').mockResolvedValueOnce(undefined);
      await create(app, player, 'withdrawals', EUR('1500'));
      jest.restoreAllMocks();
      const [intent] = await withdrawalsOf(player.userId);
      expect(intent).toMatchObject({ status: 'failed', wallet_hold_id: null });
      expect(await balances(app, player.userId)).toMatchObject({ held: 1500n });

      await leftAloneForAnHour(intent!.id);
      await reconciliation.run({ graceSeconds: 0 });
      await reconciliation.run({ graceSeconds: 0 });
      expect(await balances(app, player.userId)).toMatchObject({ cash: 4000n, held: 0n });
      expect(await movementsOf(intent!.id)).toEqual({ hold: 1, hold_release: 1 });
      await expectInvariants(walletKit(app));
    });

    it('a creation still under way when the expiry failed its intent releases the hold it then places', async () => {
      const player = await withdrawer(5000n);
      const holdForWithdrawal = settlement.holdForWithdrawal.bind(settlement);
      jest.spyOn(settlement, 'holdForWithdrawal').mockImplementationOnce(async (intent) => {
        await leftAloneForAnHour(intent.id);
        expect(await app.get(PaymentWithdrawalExpiry).expireStalled()).toEqual([intent.id]);
        return holdForWithdrawal(intent);
      });

      const response = await create(app, player, 'withdrawals', EUR('3000'));
      expect(response.json<{ status: string; failureCode: string }>()).toMatchObject({
        status: 'failed',
        failureCode: 'PAYMENT_CREATION_EXPIRED',
      });
      const [intent] = await withdrawalsOf(player.userId);
      expect(intent?.wallet_hold_id).not.toBeNull();
      expect(await balances(app, player.userId)).toMatchObject({ cash: 5000n, held: 0n });
      expect(await movementsOf(intent!.id)).toEqual({ hold: 1, hold_release: 1 });
      await reconciliation.run({ graceSeconds: 0 });
      expect(await movementsOf(intent!.id)).toEqual({ hold: 1, hold_release: 1 });
      await expectInvariants(walletKit(app));
    });

    it('a definite refusal (insufficient funds) fails the intent with nothing held', async () => {
      const player = await withdrawer(1000n);
      const response = await create(app, player, 'withdrawals', EUR('3000'));
      expect(response.json<{ error: { code: string } }>().error.code).toBe('INSUFFICIENT_FUNDS');
      const [intent] = await withdrawalsOf(player.userId);
      expect(intent).toMatchObject({ status: 'failed', wallet_hold_id: null });
      expect(await movementsOf(intent!.id)).toEqual({});
      expect(await balances(app, player.userId)).toMatchObject({ cash: 1000n, held: 0n });
    });
  });

  describe('a deposit whose settlement fails after the wallet credit', () => {
    it('is credited once and counted once in the RG deposit totals when settled again', async () => {
      const player = await newPlayer(app);
      const intentId = randomUUID();
      await dataSource.query(
        `INSERT INTO payment_intents (id, user_id, kind, provider, amount, currency, status, provider_reference)
         VALUES ($1, $2, 'deposit', 'sandbox', 2500, 'EUR', 'succeeded', $3)`,
        [intentId, player.userId, `pi_${intentId}`],
      );
      const update = intents.update.bind(intents);
      jest.spyOn(intents, 'update').mockImplementationOnce((manager, id, patch, status) => {
        if (patch.settledAt) return Promise.reject(new Error('Connection terminated unexpectedly'));
        return update(manager, id, patch, status);
      });

      await expect(settlement.settle(intentId)).rejects.toThrow('Connection terminated unexpectedly');
      expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n });
      expect((await intents.findById(intentId))?.settledAt).toBeNull();

      await settlement.settle(intentId);
      await settlement.settle(intentId);
      expect((await intents.findById(intentId))?.settledAt).not.toBeNull();
      expect(await balances(app, player.userId)).toMatchObject({ cash: 2500n });
      expect(await movementsOf(intentId)).toEqual({ deposit: 1 });
      expect(await rgDeposits(player.userId)).toBe(2500n);
      await expectInvariants(walletKit(app));
    });

    it('a credit the wallet refuses writes no RG record', async () => {
      const player = await newPlayer(app);
      const intentId = randomUUID();
      await dataSource.query(
        `INSERT INTO payment_intents (id, user_id, kind, provider, amount, currency, status)
         VALUES ($1, $2, 'deposit', 'sandbox', 900, 'USD', 'succeeded')`,
        [intentId, player.userId],
      );
      await expect(settlement.settle(intentId)).rejects.toThrow();
      expect(await rgDeposits(player.userId)).toBe(0n);
    });
  });
});
