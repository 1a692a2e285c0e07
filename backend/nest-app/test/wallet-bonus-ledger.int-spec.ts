import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import { codeOf, expectInvariants, QUIET_WALLET_SETTINGS, walletKit, type WalletKit } from './wallet-test-kit';

/** Bonus money against the bonus cost account (docs/bonuses.md "Bonus cost"; shared/reference/bonuses.md "Books"). */
describe('wallet bonus money (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;

  beforeAll(async () => {
    environment = await createTestEnvironment('walletbonus', QUIET_WALLET_SETTINGS);
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

  /** Bonus cost as docs/bonuses.md defines it: minus the sum of the bonus cost account's entries. */
  async function bonusCost(): Promise<bigint> {
    const [row] = (await kit.dataSource.query(
      `SELECT coalesce(-sum(e.amount), 0)::text AS cost FROM ledger_entries e
         JOIN ledger_accounts a ON a.id = e.account_id WHERE a.kind = 'bonus_cost' AND a.currency = 'EUR'`,
    )) as { cost: string }[];
    return BigInt(row?.cost ?? '0');
  }

  async function entriesOf(transactionId: string): Promise<Record<string, string>> {
    const rows = (await kit.dataSource.query(
      `SELECT a.kind, e.amount::text AS amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
        WHERE e.transaction_id = $1`,
      [transactionId],
    )) as { kind: string; amount: string }[];
    return Object.fromEntries(rows.map((row) => [row.kind, row.amount]));
  }

  it('grants into the bonus balance once per key; a conversion moves up to the cap to cash, the rest back', async () => {
    const before = await bonusCost();
    const { userId } = await kit.funded(1000n);
    const key = kit.key();
    const grant = { wallet: { userId }, currency: 'EUR', amount: 5000n, idempotency: key };
    const granted = await kit.wallets.grantBonus(grant);
    expect(granted.balances).toMatchObject({ cash: 1000n, bonus: 5000n });
    expect(await entriesOf(granted.transactionId)).toEqual({ player_bonus: '5000', bonus_cost: '-5000' });
    const again = await kit.wallets.grantBonus(grant);
    expect(again).toMatchObject({ replayed: true, transactionId: granted.transactionId });
    expect(await codeOf(kit.wallets.grantBonus({ ...grant, amount: 1n }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await bonusCost()).toBe(before + 5000n);

    const converted = await kit.wallets.convertBonus({
      wallet: { userId },
      currency: 'EUR',
      maxConversion: 2000n,
      idempotency: kit.key(),
    });
    expect(converted.transactionType).toBe('bonus_convert');
    expect(converted.balances).toMatchObject({ cash: 3000n, bonus: 0n });
    expect(await entriesOf(converted.transactionId)).toEqual({
      player_bonus: '-5000',
      player_cash: '2000',
      bonus_cost: '3000',
    });
    // Only what reached cash stays a cost.
    expect(await bonusCost()).toBe(before + 2000n);
  });

  it('forfeits and expires the whole bonus balance, even when nothing is left', async () => {
    const before = await bonusCost();
    const { userId } = await kit.funded(0n);
    await kit.wallets.grantBonus({ wallet: { userId }, currency: 'EUR', amount: 700n, idempotency: kit.key() });
    const forfeited = await kit.wallets.removeBonus('bonus_forfeit', {
      wallet: { userId },
      currency: 'EUR',
      idempotency: kit.key(),
    });
    expect(forfeited).toMatchObject({ transactionType: 'bonus_forfeit', balances: { bonus: 0n, cash: 0n } });
    const expired = await kit.wallets.removeBonus('bonus_expire', {
      wallet: { userId },
      currency: 'EUR',
      idempotency: kit.key(),
    });
    expect(await entriesOf(expired.transactionId)).toEqual({});
    expect(await bonusCost()).toBe(before);
  });

  it('refuses a zero grant and a cap on a forfeit, moving nothing', async () => {
    const { userId } = await kit.funded(0n);
    const base = { wallet: { userId }, currency: 'EUR', idempotency: kit.key() };
    expect(await codeOf(kit.wallets.grantBonus({ ...base, amount: 0n }))).toBe('INVALID_AMOUNT');
    const capped = { ...base, maxConversion: 5n } as never;
    expect(await codeOf(Promise.resolve().then(() => kit.wallets.removeBonus('bonus_forfeit', capped)))).toBe(
      'VALIDATION_FAILED',
    );
    expect((await kit.wallets.walletsOfUser(userId))[0]?.balances.bonus).toBe(0n);
  });
});
