import { eventually, isolatedSettings } from '@casino/platform/testing';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
// worker-etl itself: its live loader, and the backfill with its own mapping and loader.
import { walletTransactionRow } from '../../../worker-etl/src/analytics/fact-rows';
import { backfillFacts } from '../../../worker-etl/src/backfill/backfill-facts';
import type { TableBackfill } from '../../../worker-etl/src/backfill/ledger-facts.backfill';
import { LedgerFactsReader } from '../../../worker-etl/src/backfill/ledger-facts.reader';
import { createWorkerApp } from '../../../worker-etl/src/bootstrap';
import { loadEtlBackfillConfig, type EtlBackfillConfig } from '../../../worker-etl/src/config/etl-backfill-config';
import { loadWorkerConfig } from '../../../worker-etl/src/config/load-worker-config';
import { checkLedgerAgainstFacts } from '../../src/modules/report/verification/ledger-facts-check';
import { RgSettingsService } from '../../src/modules/user/responsible-gaming/rg-settings.service';
import {
  actOnPaymentPage,
  newPlayer,
  openDeposit,
  startPaymentSuite,
  verifyKyc,
  waitForBalance,
  type PaymentSuite,
  type Player,
} from '../payment-test-kit';
import { walletKit, type WalletKit } from '../wallet-test-kit';

const ROOT = join(__dirname, '../../../..');
const CLI = join(ROOT, 'backend/worker-etl/dist/cli/etl-backfill.js');
const TODAY = new Date().toISOString().slice(0, 10);
const RANGE = { from: TODAY, to: TODAY };

type Counts = Record<string, string>;

/**
 * Issue 16 `etl:backfill`: a history of registrations, PSP deposits, game play, KYC and responsible-gaming changes,
 * half of it loaded by the live worker and half never loaded, rebuilt from PostgreSQL: etl:verify's check passes, every fact is there once, and a
 * second run (the compiled CLI) inserts nothing and leaves the rollups as they were.
 */
describe('etl:backfill rebuilds the ClickHouse facts from PostgreSQL (e2e)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let kit: WalletKit;
  let clickhouse: ClickHouseClient;
  let dataSource: DataSource;
  let settings: Record<string, string>;
  let config: EtlBackfillConfig;
  /** The player whose history the live worker loaded. */
  let livePlayer: Player;

  beforeAll(async () => {
    suite = await startPaymentSuite('etl-backfill');
    app = suite.app;
    kit = walletKit(app);
    dataSource = app.get(DataSource);
    settings = { ...isolatedSettings(suite.environment.id), DATABASE_URL: suite.environment.config.DATABASE_URL };
    // Pages of 3 rows: the history spans several pages of every table.
    config = loadEtlBackfillConfig({ ...settings, ETL_BATCH_MAX_ROWS: '3' });
    clickhouse = createClient({ url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE });
  }, 90_000);

  afterAll(async () => {
    await clickhouse?.close();
    await suite?.close();
  });

  const scalar = async (query: string): Promise<string> => {
    const [row] = await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<{ v: string }>();
    return row?.v ?? '';
  };
  const ledgerCount = async (query: string): Promise<string> =>
    ((await dataSource.query(query)) as { n: string }[])[0]?.n ?? '';
  const factCounts = async (): Promise<Counts> => ({
    wallet_transactions: await scalar('SELECT toString(count()) AS v FROM wallet_transactions'),
    payment_events: await scalar('SELECT toString(count()) AS v FROM payment_events'),
    players: await scalar('SELECT toString(count()) AS v FROM players'),
    bonus_events: await scalar('SELECT toString(count()) AS v FROM bonus_events'),
    kyc_events: await scalar('SELECT toString(count()) AS v FROM kyc_events'),
    rg_events: await scalar('SELECT toString(count()) AS v FROM rg_events'),
  });
  const ledgerCounts = async (): Promise<Counts> => ({
    wallet_transactions: await ledgerCount('SELECT count(*)::text AS n FROM ledger_transactions'),
    payment_events: await ledgerCount(
      `SELECT count(*)::text AS n FROM outbox_events WHERE stream = 'payment' AND event_type LIKE 'payment.intent.%'`,
    ),
    players: await ledgerCount(`SELECT count(*)::text AS n FROM outbox_events WHERE event_type = 'user.registered'`),
    bonus_events: await ledgerCount(`SELECT count(*)::text AS n FROM outbox_events WHERE stream = 'bonus'`),
    kyc_events: await ledgerCount(
      `SELECT count(*)::text AS n FROM outbox_events WHERE event_type = 'user.kyc.changed'`,
    ),
    rg_events: await ledgerCount(`SELECT count(*)::text AS n FROM outbox_events WHERE event_type LIKE 'user.rg.%'`),
  });
  const rollups = async (): Promise<string> =>
    scalar(
      `SELECT concat(
         (SELECT concat(toString(sum(bets_count)), '/', toString(sum(stake_cash)), '/', toString(sum(stake_bonus)), '/',
                        toString(sum(wins_count)), '/', toString(sum(win_cash)), '/', toString(sum(rollbacks_count)), '/',
                        toString(sum(rolled_back_stake_cash)), '/', toString(sum(rolled_back_win_cash))) FROM gaming_15m),
         ' ',
         (SELECT concat(toString(sum(transactions_count)), '/', toString(sum(cash_amount)), '/',
                        toString(sum(bonus_amount)), '/', toString(sum(held_amount))) FROM money_15m)) AS v`,
    );

  const rollupCounts = async (): Promise<Counts> => ({
    gaming: await scalar(
      'SELECT toString(sum(bets_count) + sum(wins_count) + sum(rollbacks_count)) AS v FROM gaming_15m',
    ),
    money: await scalar('SELECT toString(sum(transactions_count)) AS v FROM money_15m'),
  });
  const ledgerRollupCounts = async (): Promise<Counts> => ({
    gaming: await ledgerCount(
      `SELECT count(*)::text AS n FROM ledger_transactions WHERE type IN ('bet', 'win', 'rollback')`,
    ),
    money: await ledgerCount(
      `SELECT count(*)::text AS n FROM ledger_transactions WHERE type NOT IN ('bet', 'win', 'rollback')`,
    ),
  });

  /** A registered player's deposit through the sandbox PSP, then bets, wins, a rollback and a bonus stake. */
  async function history(): Promise<Player> {
    const player = await newPlayer(app);
    const deposit = await openDeposit(app, player, '40000');
    await actOnPaymentPage(deposit.page, 'approve');
    await waitForBalance(app, player.userId, { cash: 40_000n });
    const wallet = { userId: player.userId };
    const game = { currency: 'EUR', provider: 'hub88', metadata: { provider: 'hub88', gameCode: 'lucky-sevens' } };
    const round = (): { metadata: Record<string, string> } => ({ metadata: { ...game.metadata, round: randomUUID() } });
    await kit.wallets.adjust({
      wallet,
      currency: 'EUR',
      amount: 1_000n,
      balance: 'bonus',
      reason: 'goodwill bonus',
      actor: { userId: randomUUID(), roles: ['admin'] },
      idempotency: kit.key(),
    });
    await kit.wallets.placeBet({ ...game, ...round(), wallet, amount: 40_500n, idempotency: kit.key() });
    await kit.wallets.settleWin({ ...game, ...round(), wallet, amount: 0n, idempotency: kit.key() });
    await kit.wallets.settleWin({ ...game, ...round(), wallet, amount: 6_000n, idempotency: kit.key() });
    const bet = await kit.wallets.placeBet({ ...game, ...round(), wallet, amount: 700n, idempotency: kit.key() });
    await kit.wallets.rollback({ target: { transactionId: bet.transactionId }, idempotency: kit.key() });
    // KYC and responsible-gaming changes (user.kyc.changed twice, user.rg.limit_changed, user.rg.excluded).
    await verifyKyc(app, player.userId);
    const rg = app.get(RgSettingsService);
    await rg.updateLimits(player.userId, { depositMonth: '900000' }, player.userId);
    await rg.timeOut(player.userId, 24, null, player.userId);
    return player;
  }

  const inserted = (tables: TableBackfill[]): Counts =>
    Object.fromEntries(tables.map((table) => [table.table, String(table.inserted)]));

  it('loads what the live worker did not, once; a second run inserts nothing and leaves the rollups', async () => {
    // The first half: loaded by the live worker, then the worker stops.
    const worker = await createWorkerApp(
      loadWorkerConfig({
        ...settings,
        MAIL_DELIVERY_ENABLED: 'false',
        SMS_DELIVERY_ENABLED: 'false',
        REPORT_EXPORTS_ENABLED: 'false',
      }),
    );
    await worker.init();
    livePlayer = await history();
    const loadedLive = await ledgerCounts();
    await eventually(async () => JSON.stringify(await factCounts()) === JSON.stringify(loadedLive), 30_000, 200);
    await worker.close();

    // The second half: never loaded (no worker runs).
    await history();
    const all = await ledgerCounts();
    expect(await factCounts()).toEqual(loadedLive);
    expect((await checkLedgerAgainstFacts(dataSource, clickhouse, RANGE)).ok).toBe(false);

    const first = await backfillFacts(config, RANGE);
    const missing = (table: string): string => String(Number(all[table]) - Number(loadedLive[table]));
    expect(inserted(first)).toEqual({
      players: missing('players'),
      wallet_transactions: missing('wallet_transactions'),
      payment_events: missing('payment_events'),
      bonus_events: missing('bonus_events'),
      kyc_events: missing('kyc_events'),
      rg_events: missing('rg_events'),
    });
    // Every fact of the range read once (pages of 3: a key read twice would show here), the rest skipped.
    for (const table of first)
      expect({ [table.table]: String(table.read) }).toEqual({ [table.table]: all[table.table] });
    for (const table of first) expect(table.read).toBe(table.inserted + table.skipped);
    expect(await factCounts()).toEqual(all);
    expect(await scalar('SELECT toString(uniqExact(transaction_id)) AS v FROM wallet_transactions')).toBe(
      all['wallet_transactions'],
    );
    expect(await checkLedgerAgainstFacts(dataSource, clickhouse, RANGE)).toEqual({
      ok: true,
      compared: expect.any(Number),
    });
    // The rollups count each transaction once.
    expect(await rollupCounts()).toEqual(await ledgerRollupCounts());
    const rollupsAfterFirst = await rollups();

    // Again, through the compiled CLI: nothing new.
    const rerun = spawnSync(process.execPath, [CLI, '--from', TODAY, '--to', TODAY], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], ...settings, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(rerun.stderr).toBe('');
    expect(rerun.status).toBe(0);
    for (const table of ['players', 'wallet_transactions', 'payment_events', 'kyc_events', 'rg_events']) {
      expect(rerun.stdout).toContain(`${table}: read ${all[table]}, inserted 0, skipped ${all[table]}`);
    }
    expect(await factCounts()).toEqual(all);
    expect(await rollups()).toBe(rollupsAfterFirst);
    expect((await checkLedgerAgainstFacts(dataSource, clickhouse, RANGE)).ok).toBe(true);
  }, 120_000);

  it("builds from the ledger the rows the live worker built from the events (the first player's)", async () => {
    const live = await (
      await clickhouse.query({
        query: `SELECT *, toUInt32(occurred_at) AS at FROM wallet_transactions
                 WHERE user_id = '${livePlayer.userId}' ORDER BY transaction_id`,
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>();
    expect(live.length).toBe(7);
    const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
    try {
      const page = await new LedgerFactsReader(pool).committedTransactionsPage(
        { start: `${TODAY}T00:00:00.000Z`, end: new Date(Date.now() + 60_000).toISOString() },
        null,
        1000,
      );
      const fromLedger = new Map(page.facts.map((facts) => [facts.transactionId, facts]));
      for (const { occurred_at: _text, at, ...row } of live) {
        const facts = fromLedger.get(String(row['transaction_id']));
        if (!facts) throw new Error(`transaction ${String(row['transaction_id'])} was not read from the ledger`);
        const player = { country: String(row['country']), brand: String(row['brand']) };
        const { occurred_at: builtAt, ...built } = walletTransactionRow(facts, player);
        expect(built).toEqual(row);
        // The event's time is the engine's clock, the ledger's its transaction's start, a few milliseconds later.
        expect(Math.abs(builtAt - Number(at))).toBeLessThanOrEqual(1);
      }
    } finally {
      await pool.end();
    }
  });

  it.each([
    [['--from', '2026-02-30', '--to', '2026-03-01'], '--from "2026-02-30" is not a calendar day YYYY-MM-DD'],
    [['--from', '2026-03-02', '--to', '2026-03-01'], '--from 2026-03-02 is after --to 2026-03-01'],
    [['--from', '2026-03-01'], '--to is required'],
    [['--since', '2026-03-01'], 'unknown argument "--since"'],
  ])('refuses %j with a message and exit 1, before connecting anywhere', (args, message) => {
    const run = spawnSync(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], ...settings },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`etl:backfill: ${message} (usage: etl:backfill --from YYYY-MM-DD --to YYYY-MM-DD`);
  });

  it('exits 2 naming the failure when ClickHouse cannot be reached', () => {
    const run = spawnSync(process.execPath, [CLI, '--from', TODAY, '--to', TODAY], {
      cwd: ROOT,
      // A closed port (not 9: fetch, which sends the look-ups' keys, refuses the ports on its block list outright).
      env: { PATH: process.env['PATH'], ...settings, CLICKHOUSE_URL: 'http://127.0.0.1:59998' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^etl:backfill failed: .*ECONNREFUSED/);
  });
});
