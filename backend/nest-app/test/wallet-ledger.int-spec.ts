import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import { codeOf, expectInvariants, QUIET_WALLET_SETTINGS, walletKit, type WalletKit } from './wallet-test-kit';

describe('wallet ledger commands (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;

  beforeAll(async () => {
    environment = await createTestEnvironment('walletledger', QUIET_WALLET_SETTINGS);
    app = await startTestApp(environment.config);
    kit = walletKit(app);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  afterEach(async () => {
    await expectInvariants(kit);
  });

  it('opens one wallet per user and currency, however often asked', async () => {
    const userId = randomUUID();
    const [a, b] = await Promise.all([kit.wallets.openWallet(userId, 'EUR'), kit.wallets.openWallet(userId, 'EUR')]);
    expect(a.walletId).toBe(b.walletId);
    const usd = await kit.wallets.openWallet(userId, 'USD');
    expect(usd.walletId).not.toBe(a.walletId);
    expect((await kit.wallets.walletsOfUser(userId)).map((w) => w.balances.currency)).toEqual(['EUR', 'USD']);
    await expect(kit.wallets.openWallet(userId, 'XXX')).rejects.toMatchObject({ code: 'UNKNOWN_CURRENCY' });
  });

  it('deposits, bets cash before bonus, and pays wins to cash', async () => {
    const { walletId, userId } = await kit.funded(1000n);
    await kit.wallets.adjust({
      wallet: { walletId },
      currency: 'EUR',
      amount: 500n,
      balance: 'bonus',
      reason: 'welcome bonus',
      actor: { userId: randomUUID(), roles: ['admin'] },
      idempotency: kit.key(),
    });
    const bet = await kit.wallets.placeBet({
      wallet: { userId },
      currency: 'EUR',
      amount: 1200n,
      provider: 'hub88',
      idempotency: kit.key(),
    });
    expect(bet.balances).toEqual({ cash: 0n, bonus: 300n, held: 0n, available: 300n, currency: 'EUR' });
    const win = await kit.wallets.settleWin({
      wallet: { userId },
      currency: 'EUR',
      amount: 0n,
      provider: 'hub88',
      idempotency: kit.key(),
    });
    expect(win.balances.available).toBe(300n);
    const paid = await kit.wallets.settleWin({
      wallet: { walletId },
      currency: 'EUR',
      amount: 250n,
      provider: 'hub88',
      idempotency: kit.key(),
    });
    expect(paid.balances).toMatchObject({ cash: 250n, bonus: 300n, available: 550n });
  });

  it('draws bonus-only bets from bonus alone', async () => {
    const { walletId } = await kit.funded(1000n);
    const base = { wallet: { walletId }, currency: 'EUR', provider: 'hub88', funding: 'bonus_only' as const };
    expect(await codeOf(kit.wallets.placeBet({ ...base, amount: 1n, idempotency: kit.key() }))).toBe(
      'INSUFFICIENT_FUNDS',
    );
  });

  it('refuses a bet the balance cannot cover and moves nothing', async () => {
    const { walletId } = await kit.funded(100n);
    const bet = { wallet: { walletId }, currency: 'EUR', provider: 'hub88', idempotency: kit.key() };
    expect(await codeOf(kit.wallets.placeBet({ ...bet, amount: 101n }))).toBe('INSUFFICIENT_FUNDS');
    expect((await kit.wallets.wallet(walletId)).balances.cash).toBe(100n);
    expect(await codeOf(kit.wallets.placeBet({ ...bet, currency: 'USD', amount: 1n }))).toBe('CURRENCY_MISMATCH');
    expect(await codeOf(kit.wallets.placeBet({ ...bet, wallet: { walletId: randomUUID() }, amount: 1n }))).toBe(
      'WALLET_NOT_FOUND',
    );
    expect(await codeOf(kit.wallets.placeBet({ ...bet, amount: -1n }))).toBe('INVALID_AMOUNT');
  });

  it('rolls back a bet or a win exactly once', async () => {
    const { walletId } = await kit.funded(1000n);
    const base = { wallet: { walletId }, currency: 'EUR', provider: 'hub88' };
    const betKey = kit.key();
    const bet = await kit.wallets.placeBet({ ...base, amount: 400n, idempotency: betKey });
    const undo = await kit.wallets.rollback({ target: { idempotency: betKey }, idempotency: kit.key() });
    expect(undo.balances.cash).toBe(1000n);
    expect(
      await codeOf(kit.wallets.rollback({ target: { transactionId: bet.transactionId }, idempotency: kit.key() })),
    ).toBe('ALREADY_ROLLED_BACK');
    expect(
      await codeOf(kit.wallets.rollback({ target: { transactionId: undo.transactionId }, idempotency: kit.key() })),
    ).toBe('TRANSACTION_NOT_REVERSIBLE');
    expect(
      await codeOf(kit.wallets.rollback({ target: { transactionId: randomUUID() }, idempotency: kit.key() })),
    ).toBe('TRANSACTION_NOT_FOUND');
    const win = await kit.wallets.settleWin({ ...base, amount: 300n, idempotency: kit.key() });
    await kit.wallets.placeBet({ ...base, amount: 1200n, idempotency: kit.key() });
    expect(
      await codeOf(kit.wallets.rollback({ target: { transactionId: win.transactionId }, idempotency: kit.key() })),
    ).toBe('INSUFFICIENT_FUNDS');
  });

  it('holds funds out of the available balance and resolves a hold exactly once', async () => {
    const { walletId } = await kit.funded(1000n);
    const hold = await kit.wallets.holdFunds({
      wallet: { walletId },
      currency: 'EUR',
      amount: 700n,
      provider: 'testpsp',
      idempotency: kit.key(),
    });
    expect(hold.balances).toMatchObject({ cash: 300n, held: 700n, available: 300n });
    const bet = { wallet: { walletId }, currency: 'EUR', provider: 'hub88', amount: 301n, idempotency: kit.key() };
    expect(await codeOf(kit.wallets.placeBet(bet))).toBe('INSUFFICIENT_FUNDS');
    const holdId = hold.holdId ?? '';
    const [capture, release] = await Promise.all([
      codeOf(kit.wallets.captureHold({ holdId, idempotency: kit.key() })),
      codeOf(kit.wallets.releaseHold({ holdId, idempotency: kit.key() })),
    ]);
    expect([capture, release].sort()).toEqual(['HOLD_ALREADY_RESOLVED', 'ok']);
    const after = await kit.wallets.wallet(walletId);
    expect(after.balances.held).toBe(0n);
    expect(after.balances.cash).toBe(capture === 'ok' ? 300n : 1000n);
    expect(await codeOf(kit.wallets.releaseHold({ holdId: randomUUID(), idempotency: kit.key() }))).toBe(
      'HOLD_NOT_FOUND',
    );
  });

  it('answers a retried key with the first result and refuses the key for another payload', async () => {
    const { walletId } = await kit.funded(1000n);
    const bet = { wallet: { walletId }, currency: 'EUR', provider: 'hub88', amount: 100n, idempotency: kit.key() };
    const first = await kit.wallets.placeBet(bet);
    const again = await kit.wallets.placeBet(bet);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await codeOf(kit.wallets.placeBet({ ...bet, amount: 101n }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await codeOf(kit.wallets.settleWin({ ...bet }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await kit.wallets.wallet(walletId)).balances.cash).toBe(900n);
  });

  it('resolves concurrent duplicates of one key to one transaction', async () => {
    const { walletId } = await kit.funded(1000n);
    const bet = { wallet: { walletId }, currency: 'EUR', provider: 'hub88', amount: 10n, idempotency: kit.key() };
    const results = await Promise.all(Array.from({ length: 20 }, () => kit.wallets.placeBet(bet)));
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await kit.wallets.wallet(walletId)).balances.cash).toBe(990n);
  });

  it('records a staff adjustment in the audit log in the same transaction', async () => {
    const { walletId } = await kit.funded(100n);
    const actor = randomUUID();
    const result = await kit.wallets.adjust({
      wallet: { walletId },
      currency: 'EUR',
      amount: -40n,
      reason: 'chargeback',
      actor: { userId: actor, roles: ['finance'] },
      idempotency: { scope: `staff:${actor}`, key: 'adj-1' },
    });
    expect(result.balances.cash).toBe(60n);
    const rows = (await kit.dataSource.query(`SELECT action, target_id, details FROM audit_log WHERE actor_id = $1`, [
      actor,
    ])) as { action: string; target_id: string; details: { amount: string; reason: string } }[];
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'wallet.adjust',
        target_id: walletId,
        details: expect.objectContaining({ amount: '-40', reason: 'chargeback' }),
      }),
    ]);
    expect(
      await codeOf(
        kit.wallets.adjust({
          wallet: { walletId },
          currency: 'EUR',
          amount: -61n,
          reason: 'too much',
          actor: { userId: actor, roles: ['finance'] },
          idempotency: kit.key(),
        }),
      ),
    ).toBe('INSUFFICIENT_FUNDS');
  });

  it('survives the end of its kept connection: the next batch runs again on a fresh one', async () => {
    const { userId } = await kit.funded(1000n);
    const bet = (amount: bigint) =>
      kit.wallets.placeBet({ wallet: { userId }, currency: 'EUR', amount, provider: 'hub88', idempotency: kit.key() });
    await bet(100n);
    // The server ends every other session of this database, the ledger's kept connection among them.
    await kit.dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const after = await bet(200n);
    expect(after.balances.cash).toBe(700n);
    expect(after.replayed).toBe(false);
  });
});
