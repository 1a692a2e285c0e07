import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import {
  codeOf,
  expectInvariants,
  QUIET_WALLET_SETTINGS,
  singleStatementCounts,
  walletKit,
  type WalletKit,
} from './wallet-test-kit';

/**
 * Two API instances (two ledger engines, two connection pools) on one database. Batches that share no
 * account never wait for each other, so one idempotency key used by both at once is decided by the
 * unique index: the batch write that comes up short is re-run and then finds the key (ADR 0010).
 */
describe('wallet ledger across two instances (integration)', () => {
  let environment: TestEnvironment;
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;
  let a: WalletKit;
  let b: WalletKit;

  beforeAll(async () => {
    environment = await createTestEnvironment('walletinstances', QUIET_WALLET_SETTINGS);
    first = await startTestApp(environment.config);
    second = await startTestApp(environment.config);
    a = walletKit(first);
    b = walletKit(second);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await environment?.dispose();
  });

  it('applies a key raced by two instances on unrelated wallets once, and their batch neighbours once each', async () => {
    const x = await a.funded(100_000n);
    const y = await b.funded(100_000n);
    const rounds = 40;
    const outcomes = await Promise.all(
      Array.from({ length: rounds }, async (_, index) => {
        const key = { scope: 'race', key: `key-${index}` };
        // Different providers: no shared settlement account, so the two batches hold no common lock.
        const [onX, onY, neighbourX, neighbourY] = await Promise.all([
          codeOf(
            a.wallets.placeBet({
              wallet: { walletId: x.walletId },
              currency: 'EUR',
              provider: 'pa',
              amount: 10n,
              idempotency: key,
            }),
          ),
          codeOf(
            b.wallets.placeBet({
              wallet: { walletId: y.walletId },
              currency: 'EUR',
              provider: 'pb',
              amount: 20n,
              idempotency: key,
            }),
          ),
          codeOf(
            a.wallets.placeBet({
              wallet: { walletId: x.walletId },
              currency: 'EUR',
              provider: 'pa',
              amount: 1n,
              idempotency: a.key(),
            }),
          ),
          codeOf(
            b.wallets.placeBet({
              wallet: { walletId: y.walletId },
              currency: 'EUR',
              provider: 'pb',
              amount: 1n,
              idempotency: b.key(),
            }),
          ),
        ]);
        return { onX, onY, neighbourX, neighbourY };
      }),
    );
    for (const outcome of outcomes) {
      expect([outcome.onX, outcome.onY].sort()).toEqual(['IDEMPOTENCY_KEY_REUSED', 'ok']);
      expect(outcome.neighbourX).toBe('ok');
      expect(outcome.neighbourY).toBe('ok');
    }
    const wonByX = outcomes.filter((outcome) => outcome.onX === 'ok').length;
    const cashOf = async (walletId: string): Promise<bigint> => (await a.wallets.wallet(walletId)).balances.cash;
    expect(await cashOf(x.walletId)).toBe(100_000n - 10n * BigInt(wonByX) - 1n * BigInt(rounds));
    expect(await cashOf(y.walletId)).toBe(100_000n - 20n * BigInt(rounds - wonByX) - 1n * BigInt(rounds));
    const [counts] = (await a.dataSource.query(
      `SELECT (SELECT count(*) FROM ledger_transactions WHERE idempotency_scope = 'race')::int AS raced,
              (SELECT count(*) FROM ledger_transactions)::int AS transactions,
              (SELECT count(*) FROM outbox_events WHERE stream = 'wallet')::int AS events`,
    )) as { raced: number; transactions: number; events: number }[];
    expect(counts?.raced).toBe(rounds);
    // Exactly one event per committed transaction: a skipped duplicate wrote neither entries nor events.
    expect(counts?.events).toBe(counts?.transactions);
    await expectInvariants(a);
  });

  it('refuses a bet that the balance one instance last saw would allow, once the other took the money', async () => {
    const { walletId } = await a.funded(100n);
    const bet = (kit: WalletKit, amount: bigint) =>
      kit.wallets.placeBet({
        wallet: { walletId },
        currency: 'EUR',
        provider: 'hub88',
        amount,
        idempotency: kit.key(),
      });
    // Instance a has seen 90 committed; b then takes all of it.
    expect((await bet(a, 10n)).balances.cash).toBe(90n);
    expect((await bet(b, 90n)).balances.cash).toBe(0n);
    const before = await singleStatementCounts();
    // From its figure (90) a's statement would take 50: it finds 0 under its lock, aborts, and the bet is decided
    // on the locked balance.
    expect(await codeOf(bet(a, 50n))).toBe('INSUFFICIENT_FUNDS');
    const after = await singleStatementCounts();
    expect((after.aborted ?? 0) - (before.aborted ?? 0)).toBe(1);
    expect((await a.wallets.wallet(walletId)).balances.cash).toBe(0n);
    await expectInvariants(a);
  });

  it('answers the true balance when the other instance moved it since this one last saw it', async () => {
    const { walletId } = await a.funded(100n);
    const key = (kit: WalletKit) => ({
      wallet: { walletId },
      currency: 'EUR',
      provider: 'hub88',
      idempotency: kit.key(),
    });
    await a.wallets.placeBet({ ...key(a), amount: 10n });
    await b.wallets.settleWin({ ...key(b), amount: 1000n });
    const before = await singleStatementCounts();
    const result = await a.wallets.placeBet({ ...key(a), amount: 10n });
    expect(result.balances.cash).toBe(1080n);
    const [event] = (await a.dataSource.query(
      `SELECT envelope->'payload'->'balanceAfter'->>'cash' AS cash FROM outbox_events WHERE id = (
         SELECT event_id FROM ledger_transactions WHERE id = $1)`,
      [result.transactionId],
    )) as { cash: string }[];
    expect(event?.cash).toBe('1080');
    // Its figure now known again, a's next bet commits as one statement.
    await a.wallets.placeBet({ ...key(a), amount: 10n });
    const after = await singleStatementCounts();
    expect((after.aborted ?? 0) - (before.aborted ?? 0)).toBe(1);
    expect((after.committed ?? 0) - (before.committed ?? 0)).toBe(1);
    expect((await a.wallets.wallet(walletId)).balances.cash).toBe(1070n);
    await expectInvariants(a);
  });

  it('keeps a wallet’s events in commit order when both instances write to it', async () => {
    const { walletId } = await a.funded(10_000n);
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        (index % 2 === 0 ? a : b).wallets.placeBet({
          wallet: { walletId },
          currency: 'EUR',
          provider: 'hub88',
          amount: 7n,
          idempotency: { scope: 'order', key: randomUUID() },
        }),
      ),
    );
    const rows = (await a.dataSource.query(
      `SELECT envelope->'payload'->'balanceAfter'->>'cash' AS cash FROM outbox_events
        WHERE aggregate_id = $1 AND event_type = 'wallet.transaction.completed' ORDER BY position`,
      [walletId],
    )) as { cash: string }[];
    const cash = rows.map((row) => BigInt(row.cash));
    // Deposit first, then 30 bets of 7: each event's balance is 7 below the one before it.
    expect(cash).toEqual(Array.from({ length: 31 }, (_, index) => 10_000n - 7n * BigInt(index)));
  });
});
