import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EntityManager } from 'typeorm';
import type { AttachedWriter } from '../src/modules/wallet/ledger/ledger-engine';
import type { LedgerResult } from '../src/modules/wallet/ledger/ledger.types';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import { codeOf, expectInvariants, QUIET_WALLET_SETTINGS, walletKit, type WalletKit } from './wallet-test-kit';

/** A writer that remembers what it was given, batch by batch, and can refuse one payload. */
class RecordingWriter implements AttachedWriter<string> {
  public readonly batches: { payload: string; result: LedgerResult }[][] = [];

  public constructor(private readonly refuse?: string) {}

  public async write(manager: EntityManager, items: { payload: string; result: LedgerResult }[]): Promise<void> {
    // Proves it runs inside the batch's transaction: the transactions it was given are visible there.
    const ids = items.map((item) => item.result.transactionId);
    const [{ count }] = (await manager.query(
      `SELECT count(*)::int AS count FROM ledger_transactions WHERE id = ANY($1::uuid[])`,
      [ids],
    )) as { count: number }[];
    if (count !== ids.length) throw new Error('attached writer ran outside the batch transaction');
    if (this.refuse && items.some((item) => item.payload === this.refuse)) throw new Error(`refused ${this.refuse}`);
    this.batches.push(items);
  }
}

describe('ledger attachments: set-based writes of the caller inside the batch transaction (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;

  beforeAll(async () => {
    environment = await createTestEnvironment('walletattach', QUIET_WALLET_SETTINGS);
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

  const bet = (userId: string, amount: bigint, key = kit.key()) => ({
    wallet: { userId },
    currency: 'EUR',
    amount,
    provider: 'testgames',
    idempotency: key,
  });

  it('runs once per batch for exactly the commands that moved money, with their results', async () => {
    const writer = new RecordingWriter();
    const players = await Promise.all(Array.from({ length: 20 }, () => kit.funded(1_000n)));
    const results = await Promise.all(
      players.map((player, index) =>
        kit.wallets.placeBet(bet(player.userId, 100n), { writer, payload: `bet-${index}` }),
      ),
    );
    const seen = writer.batches.flat();
    expect(seen).toHaveLength(20);
    expect(new Set(seen.map((item) => item.payload)).size).toBe(20);
    for (const item of seen) {
      const index = Number(item.payload.slice(4));
      expect(item.result.transactionId).toBe(results[index]?.transactionId);
    }
    expect(writer.batches.length).toBeLessThan(20);
  });

  it('skips replays and refusals', async () => {
    const writer = new RecordingWriter();
    const { userId } = await kit.funded(500n);
    const key = kit.key();
    const first = await kit.wallets.placeBet(bet(userId, 200n, key), { writer, payload: 'first' });
    const replay = await kit.wallets.placeBet(bet(userId, 200n, key), { writer, payload: 'replay' });
    expect(replay.replayed).toBe(true);
    expect(replay.transactionId).toBe(first.transactionId);
    expect(await codeOf(kit.wallets.placeBet(bet(userId, 10_000n), { writer, payload: 'too-much' }))).toBe(
      'INSUFFICIENT_FUNDS',
    );
    expect(writer.batches.flat().map((item) => item.payload)).toEqual(['first']);
  });

  it('a writer that throws fails only its own command, and that command moves no money', async () => {
    const writer = new RecordingWriter('bad');
    const players = await Promise.all(Array.from({ length: 5 }, () => kit.funded(1_000n)));
    const outcomes = await Promise.allSettled(
      players.map((player, index) =>
        kit.wallets.placeBet(bet(player.userId, 300n), { writer, payload: index === 2 ? 'bad' : `ok-${index}` }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const balances = await Promise.all(players.map((player) => kit.wallets.walletsOfUser(player.userId)));
    expect(balances.map(([wallet]) => wallet?.balances.cash)).toEqual([700n, 700n, 1_000n, 700n, 700n]);
    expect(
      writer.batches
        .flat()
        .map((item) => item.payload)
        .sort(),
    ).toEqual(['ok-0', 'ok-1', 'ok-3', 'ok-4']);
  });
});
