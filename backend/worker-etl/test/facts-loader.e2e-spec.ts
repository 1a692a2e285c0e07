import {
  EVENT_STREAMS,
  USER_KYC_CHANGED,
  USER_RG_EXCLUDED,
  USER_RG_LIMIT_CHANGED,
  type DomainEventEnvelope,
  type EventStreamKey,
  type UserKycChangedEvent,
  type UserRgEvent,
} from '@casino/contracts';
import { EVENT_BUS, type EventBus } from '@casino/platform';
import { disposeIsolatedResources, eventually, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createWorkerApp } from '../src/bootstrap';
import { loadWorkerConfig } from '../src/config/load-worker-config';
import type { WorkerConfig } from '../src/config/worker-config';
import { FactsLoader } from '../src/analytics/facts-loader.service';
import { paymentSucceeded, registered, transaction, type Movement } from './etl-events';
import { factsDatabase } from './support/facts-database';

interface GamingTotals {
  bets: string;
  stake_cash: string;
  stake_bonus: string;
  wins: string;
  win_cash: string;
  rollbacks: string;
  rb_stake_cash: string;
  rb_win_cash: string;
}

const GAMING_TOTALS =
  'SELECT toString(sum(bets_count)) AS bets, toString(sum(stake_cash)) AS stake_cash, ' +
  'toString(sum(stake_bonus)) AS stake_bonus, toString(sum(wins_count)) AS wins, toString(sum(win_cash)) AS win_cash, ' +
  'toString(sum(rollbacks_count)) AS rollbacks, toString(sum(rolled_back_stake_cash)) AS rb_stake_cash, ' +
  'toString(sum(rolled_back_win_cash)) AS rb_win_cash FROM gaming_15m';

async function startWorker(config: WorkerConfig): Promise<NestFastifyApplication> {
  const app = await createWorkerApp(config);
  await app.init();
  return app;
}

/**
 * Issue 16: worker-etl loads every event into the facts exactly once — redelivered, republished under another id by
 * a relay, or taken by two worker instances at once — so the rollups' sums equal the events'.
 * (The worker SIGKILLed mid-batch: facts-loader-crash.e2e-spec.ts.)
 */
describe('worker-etl facts loader (e2e)', () => {
  const id = uniqueTestId('factsloader');
  const config = loadWorkerConfig({
    ...isolatedSettings(id),
    ETL_BATCH_MAX_WAIT_MS: '1000',
    MAIL_DELIVERY_ENABLED: 'false',
    SMS_DELIVERY_ENABLED: 'false',
  });
  let clickhouse: ClickHouseClient;
  let app: NestFastifyApplication;
  let bus: EventBus;

  const query = async <T>(sql: string): Promise<T[]> =>
    (await clickhouse.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  const publishTwice = async (stream: EventStreamKey, event: DomainEventEnvelope) => {
    await bus.publish(stream, event);
    // A relay that published again after JetStream's duplicate window (or a replay) sends a new message id.
    await bus.publish(stream, { ...event, id: randomUUID() });
  };

  beforeAll(async () => {
    clickhouse = await factsDatabase(config, id);
    app = await startWorker(config);
    bus = app.get<EventBus>(EVENT_BUS);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await clickhouse?.close();
    await disposeIsolatedResources(id, config);
  });

  it('loads bets, wins, rollbacks and deposits once each into the facts and rollups, with the player country', async () => {
    const userId = randomUUID();
    await bus.publish(EVENT_STREAMS.USER, registered(userId, 'DE'));
    await eventually(
      async () => (await query(`SELECT 1 FROM players WHERE user_id = '${userId}'`)).length === 1,
      15_000,
    );
    const movements: Movement[] = [
      { userId, type: 'bet', cash: -1000n, bonus: -200n },
      { userId, type: 'win', cash: 1500n },
      { userId, type: 'bet', cash: -300n },
      { userId, type: 'rollback', cash: 300n },
      { userId, type: 'win', cash: 50n },
      { userId, type: 'rollback', cash: -50n },
      { userId, type: 'win', cash: 0n },
      { userId, type: 'deposit', cash: 10_000n },
    ];
    for (const movement of movements) await publishTwice(EVENT_STREAMS.WALLET, transaction(movement));
    const payment = paymentSucceeded(userId, 10_000n);
    await bus.publish(EVENT_STREAMS.PAYMENT, payment);

    await eventually(
      async () =>
        (await query(`SELECT 1 FROM wallet_transactions WHERE user_id = '${userId}'`)).length === movements.length,
      20_000,
    );
    await eventually(
      async () => (await query(`SELECT 1 FROM payment_events WHERE user_id = '${userId}'`)).length === 1,
      20_000,
    );
    // Give a doubled row time to arrive, were the loader to let one through.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await query<GamingTotals>(`${GAMING_TOTALS} WHERE country = 'DE'`)).toEqual([
      {
        bets: '2',
        stake_cash: '1300',
        stake_bonus: '200',
        wins: '3',
        win_cash: '1550',
        rollbacks: '2',
        rb_stake_cash: '300',
        rb_win_cash: '50',
      },
    ]);
    expect(
      await query(
        `SELECT reverses_type AS r, toString(cash_amount) AS cash FROM wallet_transactions WHERE transaction_type = 'rollback' ORDER BY r`,
      ),
    ).toEqual([
      { r: 'bet', cash: '300' },
      { r: 'win', cash: '-50' },
    ]);
    expect(
      await query(
        "SELECT toString(sum(transactions_count)) AS n, toString(sum(cash_amount)) AS cash FROM money_15m WHERE transaction_type = 'deposit'",
      ),
    ).toEqual([{ n: '1', cash: '10000' }]);
    expect(await query(`SELECT toString(count()) AS n FROM wallet_transactions WHERE user_id = '${userId}'`)).toEqual([
      { n: String(movements.length) },
    ]);
    // A batch delivered again (the worker died after ClickHouse took it, before JetStream heard the ack) adds nothing.
    const loader = app.get(FactsLoader);
    expect(await loader.loadPaymentEvents([payment])).toBe(0);
    expect(await loader.loadWalletTransactions([transaction({ userId, type: 'bet', cash: -1n })])).toBe(1);
    expect(await query(`SELECT toString(count()) AS n FROM payment_events WHERE user_id = '${userId}'`)).toEqual([
      { n: '1' },
    ]);
  }, 60_000);

  it('loads KYC and responsible-gaming changes once each, stamped with the player country', async () => {
    const userId = randomUUID();
    await bus.publish(EVENT_STREAMS.USER, registered(userId, 'GB'));
    await eventually(
      async () => (await query(`SELECT 1 FROM players WHERE user_id = '${userId}'`)).length === 1,
      15_000,
    );
    const at = '2026-12-01T10:05:00.000Z';
    const kyc: UserKycChangedEvent = {
      id: randomUUID(),
      type: USER_KYC_CHANGED,
      version: 1,
      occurredAt: at,
      aggregateId: userId,
      payload: { userId, fromStatus: 'pending', status: 'verified', level: 'basic', actorType: 'staff', changedAt: at },
    };
    const limit: UserRgEvent = {
      id: randomUUID(),
      type: USER_RG_LIMIT_CHANGED,
      version: 1,
      occurredAt: at,
      aggregateId: userId,
      payload: {
        userId,
        limit: 'depositMonth',
        action: 'applied',
        previousValue: null,
        requestedValue: '90000',
        effectiveValue: '90000',
        currency: 'GBP',
        changedAt: at,
      },
    };
    const excluded: UserRgEvent = {
      id: randomUUID(),
      type: USER_RG_EXCLUDED,
      version: 1,
      occurredAt: at,
      aggregateId: userId,
      payload: { userId, kind: 'self_exclusion', period: 'permanent', startsAt: at, endsAt: null },
    };
    // Each published twice as it is (a relay publishing again); keyed by event id, each is one fact (ADR 0015).
    for (const event of [kyc, limit, excluded, kyc, limit, excluded]) await bus.publish(EVENT_STREAMS.USER, event);
    const rows = async () =>
      query(
        `SELECT 'kyc' AS t, status AS what, country FROM kyc_events WHERE user_id = '${userId}' UNION ALL
         SELECT 'rg' AS t, concat(change_kind, ':', limit_key, ':', effective_value, ':', exclusion_kind, ':', toString(toUInt32(ends_at))) AS what, country
           FROM rg_events WHERE user_id = '${userId}'`,
      );
    await eventually(async () => (await rows()).length === 3, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const sorted = (await rows()).map((row) => JSON.stringify(row)).sort();
    expect(sorted).toEqual(
      [
        { t: 'kyc', what: 'verified', country: 'GB' },
        { t: 'rg', what: 'exclusion:::self_exclusion:0', country: 'GB' },
        { t: 'rg', what: 'limit:depositMonth:90000::0', country: 'GB' },
      ]
        .map((row) => JSON.stringify(row))
        .sort(),
    );
    // Delivered again (the ack was lost): nothing new.
    const loader = app.get(FactsLoader);
    expect(await loader.loadKycEvents([kyc])).toBe(0);
    expect(await loader.loadRgEvents([limit, excluded])).toBe(0);
    expect((await rows()).length).toBe(3);
  }, 60_000);

  it('lets two worker instances on the same streams load each bet once', async () => {
    const second = await startWorker(config);
    try {
      const userId = randomUUID();
      const bets = Array.from({ length: 150 }, (_, index) =>
        transaction({ userId, type: 'bet', cash: -BigInt(index + 1), game: 'twin-game' }),
      );
      await Promise.all(bets.map((bet) => publishTwice(EVENT_STREAMS.WALLET, bet)));
      const expected = (150n * 151n) / 2n;
      const totals = `SELECT toString(sum(bets_count)) AS bets, toString(sum(stake_cash)) AS stake FROM gaming_15m WHERE game_code = 'twin-game'`;
      await eventually(async () => (await query<{ bets: string }>(totals))[0]?.bets === '150', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await query(totals)).toEqual([{ bets: '150', stake: expected.toString() }]);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('shows its lag, batch sizes and pending messages on /metrics', async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.body).toMatch(/worker_etl_lag_seconds_count\{consumer="wallet"\} [1-9]/);
    // Every loaded event rode in one batch: the batch histogram's sum is the lag histogram's count.
    const value = (series: string): string | undefined =>
      new RegExp(`^${series} (\\d+)$`, 'm').exec(response.body)?.[1];
    expect(Number(value('worker_etl_batch_events_count\\{consumer="wallet"\\}'))).toBeGreaterThan(0);
    expect(value('worker_etl_batch_events_sum\\{consumer="wallet"\\}')).toBe(
      value('worker_etl_lag_seconds_count\\{consumer="wallet"\\}'),
    );
    expect(response.body).toMatch(/worker_etl_pending_messages\{consumer="wallet"\} 0/);
    expect(response.body).toMatch(/worker_etl_duplicate_rows_total\{table="wallet_transactions"\} [1-9]/);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json()).toMatchObject({ details: { etl_lag: { status: 'up' } } });
  });
});
