import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EntityManager } from 'typeorm';
import type { AttachedStatement } from '../src/infra/database/attached-statement';
import type { AttachedItem, AttachedWriter } from '../src/modules/wallet/ledger/ledger-engine';
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

/** A writer that remembers what it was given, batch by batch, and can refuse one payload. */
class RecordingWriter implements AttachedWriter<string> {
  public readonly batches: AttachedItem<string>[][] = [];

  public constructor(private readonly refuse?: string) {}

  public async write(manager: EntityManager, items: AttachedItem<string>[]): Promise<void> {
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

/**
 * A writer whose writes are a fragment of the ledger's batch statement: it marks each command's transaction in a
 * table of the test, and `finish` receives how many marks the statement wrote (and can refuse one payload).
 */
class FragmentWriter implements AttachedWriter<string> {
  public readonly outputs: unknown[] = [];
  public fallbacks = 0;

  public constructor(private readonly refuse?: string) {}

  public write(): Promise<void> {
    this.fallbacks += 1;
    return Promise.reject(new Error('a writer with a fragment is not written on its own'));
  }

  public statement(items: AttachedItem<string>[]): AttachedStatement {
    return {
      key: 'test_marks',
      ctes: `marks_in AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS m(tx, payload)),
             marks AS (INSERT INTO attached_marks (tx, payload) SELECT tx, payload FROM marks_in RETURNING payload)`,
      values: [items.map((item) => item.result.transactionId), items.map((item) => item.payload)],
      output: '(SELECT count(*)::int FROM marks)',
    };
  }

  public async finish(_manager: EntityManager, items: AttachedItem<string>[], output: unknown): Promise<void> {
    this.outputs.push(output);
    if (this.refuse && items.some((item) => item.payload === this.refuse)) throw new Error(`refused ${this.refuse}`);
  }
}

/**
 * A fragment writer whose refusal is also a condition of its fragment (`mustHold`): the batch may then run as one
 * statement of its own, which aborts when the condition fails; the batch runs again under lock, with `finish`.
 */
class ConditionedFragmentWriter extends FragmentWriter {
  public constructor(private readonly refused: string) {
    super(refused);
  }

  public override statement(items: AttachedItem<string>[]): AttachedStatement {
    return {
      ...super.statement(items),
      mustHold: `NOT EXISTS (SELECT 1 FROM marks WHERE payload = '${this.refused}')`,
    };
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
    await kit.dataSource.query(`CREATE TABLE attached_marks (tx uuid PRIMARY KEY, payload text NOT NULL)`);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  afterEach(async () => {
    await expectInvariants(kit);
  });

  const marks = async (): Promise<string[]> =>
    ((await kit.dataSource.query(`SELECT payload FROM attached_marks ORDER BY payload`)) as { payload: string }[]).map(
      (row) => row.payload,
    );

  /** Five concurrent €3 bets, the third with the payload 'bad': only it fails, and only its player keeps €10. */
  async function expectOnlyTheBadBetRefused(writer: AttachedWriter<string>): Promise<void> {
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
  }

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
    await expectOnlyTheBadBetRefused(writer);
    expect(
      writer.batches
        .flat()
        .map((item) => item.payload)
        .sort(),
    ).toEqual(['ok-0', 'ok-1', 'ok-3', 'ok-4']);
  });

  it('a fragment joins the batch statement for the commands that moved money, and its output reaches finish', async () => {
    await kit.dataSource.query(`TRUNCATE attached_marks`);
    const writer = new FragmentWriter();
    const players = await Promise.all(Array.from({ length: 12 }, () => kit.funded(1_000n)));
    const key = kit.key();
    await kit.wallets.placeBet(bet(players[0]?.userId ?? '', 100n, key), { writer, payload: 'first' });
    await Promise.all([
      kit.wallets.placeBet(bet(players[0]?.userId ?? '', 100n, key), { writer, payload: 'replay' }),
      codeOf(kit.wallets.placeBet(bet(players[1]?.userId ?? '', 5_000n), { writer, payload: 'too-much' })),
      ...players
        .slice(2)
        .map((player, index) => kit.wallets.placeBet(bet(player.userId, 100n), { writer, payload: `bet-${index}` })),
    ]);
    expect(await marks()).toEqual([
      'bet-0',
      'bet-1',
      'bet-2',
      'bet-3',
      'bet-4',
      'bet-5',
      'bet-6',
      'bet-7',
      'bet-8',
      'bet-9',
      'first',
    ]);
    expect(writer.outputs.reduce((sum: number, output) => sum + Number(output), 0)).toBe(11);
    expect(writer.fallbacks).toBe(0);
  });

  it('a fragment condition that fails aborts the single statement; run again under lock, only its command fails', async () => {
    await kit.dataSource.query(`TRUNCATE attached_marks`);
    const writer = new ConditionedFragmentWriter('bad');
    const before = await singleStatementCounts();
    await expectOnlyTheBadBetRefused(writer);
    const after = await singleStatementCounts();
    expect((after.aborted ?? 0) - (before.aborted ?? 0)).toBeGreaterThanOrEqual(1);
    expect(await marks()).toEqual(['ok-0', 'ok-1', 'ok-3', 'ok-4']);
  });

  it('a finish that throws fails only its own command: its money and its fragment roll back', async () => {
    await kit.dataSource.query(`TRUNCATE attached_marks`);
    const writer = new FragmentWriter('bad');
    await expectOnlyTheBadBetRefused(writer);
    expect(await marks()).toEqual(['ok-0', 'ok-1', 'ok-3', 'ok-4']);
  });
});
