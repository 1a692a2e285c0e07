import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Idempotency, LedgerResult } from '../src/modules/wallet/ledger/ledger.types';
import { splitStake } from '../src/modules/wallet/ledger/bet-funding';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import { expectInvariants, QUIET_WALLET_SETTINGS, walletKit, type WalletKit } from './wallet-test-kit';

type Step =
  | { kind: 'bet'; amount: number; bonusOnly: boolean }
  | { kind: 'win'; amount: number }
  | { kind: 'rollback'; target: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('bet' as const), amount: fc.integer({ min: 0, max: 400 }), bonusOnly: fc.boolean() }),
  fc.record({ kind: fc.constant('win' as const), amount: fc.integer({ min: 0, max: 300 }) }),
  fc.record({ kind: fc.constant('rollback' as const), target: fc.nat({ max: 40 }) }),
);

/** The sequential model: what the wallet must hold after the accepted transactions, in their commit order. */
class WalletModel {
  public cash: bigint;
  public bonus: bigint;
  private readonly splits = new Map<string, { cash: bigint; bonus: bigint }>();
  private readonly reversed = new Set<string>();

  public constructor(cash: bigint, bonus: bigint) {
    this.cash = cash;
    this.bonus = bonus;
  }

  /** Applies an accepted step; returns false if the model would have refused it. */
  public apply(step: Step, key: string, targetKey: string | undefined): boolean {
    if (step.kind === 'bet') {
      const split = splitStake(
        BigInt(step.amount),
        this.cash,
        this.bonus,
        step.bonusOnly ? 'bonus_only' : 'cash_first',
      );
      if (!split) return false;
      this.cash -= split.fromCash;
      this.bonus -= split.fromBonus;
      this.splits.set(key, { cash: -split.fromCash, bonus: -split.fromBonus });
      return true;
    }
    if (step.kind === 'win') {
      this.cash += BigInt(step.amount);
      this.splits.set(key, { cash: BigInt(step.amount), bonus: 0n });
      return true;
    }
    const original = targetKey === undefined ? undefined : this.splits.get(targetKey);
    if (!original || this.reversed.has(targetKey ?? '')) return false;
    if (this.cash - original.cash < 0n || this.bonus - original.bonus < 0n) return false;
    this.cash -= original.cash;
    this.bonus -= original.bonus;
    this.reversed.add(targetKey ?? '');
    return true;
  }
}

describe('wallet under concurrency (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;

  beforeAll(async () => {
    environment = await createTestEnvironment('walletconc', {
      ...QUIET_WALLET_SETTINGS,
      WALLET_BATCH_MAX_IN_FLIGHT: '4',
    });
    app = await startTestApp(environment.config);
    kit = walletKit(app);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  it('never overdraws one wallet under 64 concurrent bets of random amounts', async () => {
    const start = 10_000n;
    const { walletId } = await kit.funded(start);
    const amounts = Array.from({ length: 64 }, () => BigInt(1 + Math.floor(Math.random() * 400)));
    const outcomes = await Promise.allSettled(
      amounts.map((amount) =>
        kit.wallets.placeBet({
          wallet: { walletId },
          currency: 'EUR',
          amount,
          provider: 'hub88',
          idempotency: kit.key(),
        }),
      ),
    );
    const accepted = amounts.filter((_, index) => outcomes[index]?.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as { code?: string }] : [],
    );
    expect(refused.every((error) => error.code === 'INSUFFICIENT_FUNDS')).toBe(true);
    const final = (await kit.wallets.wallet(walletId)).balances.cash;
    expect(final).toBe(start - accepted.reduce((sum, amount) => sum + amount, 0n));
    expect(final).toBeGreaterThanOrEqual(0n);
    // 64 bets averaging 200 ask for ~12,800 out of 10,000: some must have been refused.
    if (amounts.reduce((sum, amount) => sum + amount, 0n) > start) expect(refused.length).toBeGreaterThan(0);
    await expectInvariants(kit);
  });

  it('matches a sequential model when bets, wins and rollbacks run concurrently (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 5, maxLength: 40 }), async (steps) => {
        const { walletId } = await kit.funded(1000n);
        await kit.wallets.adjust({
          wallet: { walletId },
          currency: 'EUR',
          amount: 300n,
          balance: 'bonus',
          reason: 'model bonus',
          actor: { userId: randomUUID(), roles: ['admin'] },
          idempotency: kit.key(),
        });
        const keys = steps.map((): Idempotency => kit.key());
        const targetKeyOf = (step: Step): Idempotency | undefined =>
          step.kind === 'rollback' ? keys[step.target % steps.length] : undefined;
        const outcomes = await Promise.allSettled(
          steps.map((step, index) => run(kit, walletId, step, keys[index], targetKeyOf(step))),
        );
        const accepted = new Map<string, { step: Step; result: LedgerResult }>();
        outcomes.forEach((outcome, index) => {
          const step = steps[index];
          const key = keys[index];
          if (outcome.status === 'fulfilled' && step && key)
            accepted.set(outcome.value.transactionId, { step, result: outcome.value });
          if (outcome.status === 'rejected') {
            expect([
              'INSUFFICIENT_FUNDS',
              'TRANSACTION_NOT_FOUND',
              'ALREADY_ROLLED_BACK',
              'TRANSACTION_NOT_REVERSIBLE',
            ]).toContain((outcome.reason as { code?: string }).code);
          }
        });
        // The commit order of one wallet's transactions is their outbox order (the wallet lock serialises them).
        const order = (await kit.dataSource.query(
          `SELECT t.id, t.idempotency_key FROM ledger_transactions t JOIN outbox_events o ON o.id = t.event_id
            WHERE t.wallet_id = $1 AND t.type IN ('bet', 'win', 'rollback') ORDER BY o.position`,
          [walletId],
        )) as { id: string; idempotency_key: string }[];
        expect(order).toHaveLength(accepted.size);
        const model = new WalletModel(1000n, 300n);
        for (const row of order) {
          const entry = accepted.get(row.id);
          if (!entry) throw new Error(`transaction ${row.id} was committed but not answered`);
          expect(model.apply(entry.step, row.idempotency_key, targetKeyOf(entry.step)?.key)).toBe(true);
          expect(entry.result.balances).toMatchObject({ cash: model.cash, bonus: model.bonus });
        }
        const final = (await kit.wallets.wallet(walletId)).balances;
        expect([final.cash, final.bonus]).toEqual([model.cash, model.bonus]);
      }),
      { numRuns: 15 },
    );
    await expectInvariants(kit);
  }, 120_000);

  it('reports a tampered balance as the first violation', async () => {
    const { walletId } = await kit.funded(100n);
    await kit.dataSource.query(
      `UPDATE ledger_accounts SET balance = balance + 1 WHERE wallet_id = $1 AND kind = 'player_cash'`,
      [walletId],
    );
    const result = await kit.verifier.verify();
    expect(result).toMatchObject({
      ok: false,
      violation: { check: 'account balances equal the sum of their entries' },
    });
    await kit.dataSource.query(
      `UPDATE ledger_accounts SET balance = balance - 1 WHERE wallet_id = $1 AND kind = 'player_cash'`,
      [walletId],
    );
    await expectInvariants(kit);
  });
});

function run(
  kit: WalletKit,
  walletId: string,
  step: Step,
  idempotency: Idempotency | undefined,
  target: Idempotency | undefined,
): Promise<LedgerResult> {
  if (!idempotency) throw new Error('no key');
  const base = { wallet: { walletId }, currency: 'EUR', provider: 'hub88', idempotency };
  if (step.kind === 'bet') {
    return kit.wallets.placeBet({
      ...base,
      amount: BigInt(step.amount),
      funding: step.bonusOnly ? 'bonus_only' : 'cash_first',
    });
  }
  if (step.kind === 'win') return kit.wallets.settleWin({ ...base, amount: BigInt(step.amount) });
  if (!target) throw new Error('no target');
  return kit.wallets.rollback({ target: { idempotency: target }, idempotency });
}
