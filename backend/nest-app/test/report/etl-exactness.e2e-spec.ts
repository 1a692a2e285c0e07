import { eventually, isolatedSettings } from '@casino/platform/testing';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
// worker-etl itself, started beside the app on the suite's streams and ClickHouse database.
import { createWorkerApp } from '../../../worker-etl/src/bootstrap';
import { loadWorkerConfig } from '../../../worker-etl/src/config/load-worker-config';
import { checkLedgerAgainstFacts } from '../../src/modules/report/verification/ledger-facts-check';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { walletKit, type WalletKit } from '../wallet-test-kit';

const TODAY = new Date().toISOString().slice(0, 10);

/**
 * Issue 16 "exactness": a history of bets, wins (zero wins too), rollbacks of bets and of wins, bonus stakes,
 * deposits, withdrawals captured and released, and staff adjustments in two currencies, moved through the real
 * ledger, published by the real outbox relay and loaded by the real worker-etl: ClickHouse's per-day totals equal the
 * ledger's (what `npm run etl:verify` checks), and a fact the ledger does not have is named.
 */
describe('ClickHouse facts equal the ledger (e2e, etl:verify)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let kit: WalletKit;
  let clickhouse: ClickHouseClient;

  beforeAll(async () => {
    environment = await createTestEnvironment('etl-exactness');
    app = await startTestApp(environment.config);
    worker = await createWorkerApp(
      loadWorkerConfig({
        ...isolatedSettings(environment.id),
        ETL_BATCH_MAX_WAIT_MS: '1000',
        MAIL_DELIVERY_ENABLED: 'false',
        SMS_DELIVERY_ENABLED: 'false',
        REPORT_EXPORTS_ENABLED: 'false',
      }),
    );
    await worker.init();
    kit = walletKit(app);
    clickhouse = createClient({
      url: environment.config.CLICKHOUSE_URL,
      database: environment.config.CLICKHOUSE_DATABASE,
    });
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await clickhouse?.close();
    await environment?.dispose();
  });

  async function history(currency: string): Promise<void> {
    const { userId, walletId } = await kit.funded(50_000n, currency);
    const wallet = { walletId };
    const game = {
      currency,
      provider: 'hub88',
      metadata: { provider: 'hub88', gameCode: 'lucky-sevens', round: randomUUID() },
    };
    await kit.wallets.adjust({
      wallet,
      currency,
      amount: 2_000n,
      balance: 'bonus',
      reason: 'goodwill bonus',
      actor: { userId: randomUUID(), roles: ['admin'] },
      idempotency: kit.key(),
    });
    await kit.wallets.placeBet({ ...game, wallet, amount: 51_000n, idempotency: kit.key() });
    await kit.wallets.settleWin({ ...game, wallet, amount: 0n, idempotency: kit.key() });
    await kit.wallets.settleWin({ ...game, wallet, amount: 7_500n, idempotency: kit.key() });
    const bet = await kit.wallets.placeBet({ ...game, wallet, amount: 1_000n, idempotency: kit.key() });
    await kit.wallets.rollback({ target: { transactionId: bet.transactionId }, idempotency: kit.key() });
    const win = await kit.wallets.settleWin({ ...game, wallet, amount: 300n, idempotency: kit.key() });
    await kit.wallets.rollback({ target: { transactionId: win.transactionId }, idempotency: kit.key() });
    const paid = await kit.wallets.holdFunds({
      wallet,
      currency,
      amount: 2_000n,
      provider: 'sandbox',
      idempotency: kit.key(),
    });
    await kit.wallets.captureHold({ holdId: paid.holdId ?? '', idempotency: kit.key() });
    const released = await kit.wallets.holdFunds({
      wallet,
      currency,
      amount: 1_000n,
      provider: 'sandbox',
      idempotency: kit.key(),
    });
    await kit.wallets.releaseHold({ holdId: released.holdId ?? '', idempotency: kit.key() });
    await kit.wallets.adjust({
      wallet,
      currency,
      amount: -500n,
      reason: 'chargeback',
      actor: { userId: randomUUID(), roles: ['admin'] },
      idempotency: kit.key(),
    });
    expect(userId).toBeDefined();
  }

  it('loads every ledger transaction once: per day, currency and type the totals match', async () => {
    await history('EUR');
    await history('GBP');
    const dataSource = app.get(DataSource);
    const [{ n }] = (await dataSource.query('SELECT count(*)::text AS n FROM ledger_transactions')) as { n: string }[];
    await eventually(async () => {
      const rows = await (
        await clickhouse.query({
          query: 'SELECT toString(count()) AS n FROM wallet_transactions',
          format: 'JSONEachRow',
        })
      ).json<{ n: string }>();
      return rows[0]?.n === n;
    }, 30_000);

    const check = await checkLedgerAgainstFacts(dataSource, clickhouse, { from: '2000-01-01', to: TODAY });
    expect(check).toEqual({ ok: true, compared: expect.any(Number) });
    // deposit, adjustment, bet, win, rollback, hold, hold_capture, hold_release in each currency, on one day.
    expect(check.compared).toBe(16);
    // Deposits and a withdrawal's hold steps carry the payment provider whose clearing account moved.
    const providers = await (
      await clickhouse.query({
        query:
          "SELECT transaction_type AS type, provider, toString(count()) AS n FROM wallet_transactions WHERE transaction_type IN ('deposit', 'hold', 'hold_capture', 'hold_release') GROUP BY type, provider ORDER BY type",
        format: 'JSONEachRow',
      })
    ).json();
    expect(providers).toEqual([
      { type: 'deposit', provider: 'testpsp', n: '2' },
      { type: 'hold', provider: 'sandbox', n: '4' },
      { type: 'hold_capture', provider: 'sandbox', n: '2' },
      { type: 'hold_release', provider: 'sandbox', n: '2' },
    ]);
  }, 90_000);

  it('names the first difference when ClickHouse holds a transaction the ledger does not', async () => {
    await clickhouse.insert({
      table: 'wallet_transactions',
      format: 'JSONEachRow',
      values: [
        {
          event_id: randomUUID(),
          occurred_at: Math.floor(Date.now() / 1000),
          transaction_id: randomUUID(),
          transaction_type: 'bet',
          reverses_type: '',
          user_id: randomUUID(),
          wallet_id: randomUUID(),
          currency: 'EUR',
          cash_amount: '-1',
          bonus_amount: '0',
          held_amount: '0',
          provider: 'hub88',
          game_code: 'lucky-sevens',
          round_id: '',
          idempotency_scope: 'game:hub88',
          country: '',
          brand: '',
        },
      ],
    });
    const check = await checkLedgerAgainstFacts(app.get(DataSource), clickhouse, { from: '2000-01-01', to: TODAY });
    expect(check).toMatchObject({ ok: false, first: { key: `${TODAY} EUR bet` } });
  });
});
