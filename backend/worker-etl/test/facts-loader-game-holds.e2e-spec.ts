import { subjectFor, type DomainEventEnvelope, type EventStreamKey } from '@casino/contracts';
import { disposeIsolatedResources, eventually, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { FactsLoader } from '../src/analytics/facts-loader.service';
import { createWorkerApp } from '../src/bootstrap';
import { loadWorkerConfig } from '../src/config/load-worker-config';
import { holdEvent, registered, roundClosed, sessionClosed, sessionOpened } from './etl-events';
import { factsDatabase } from './support/facts-database';

/** 2^53 + 1: a JS number would load 9007199254740992. */
const BEYOND_DOUBLE = '9007199254740993';

/**
 * Issue 16: the game (`game.session.*`, `game.round.closed`) and wallet hold (`wallet.hold.*`) events reach their
 * facts (migration 005) once each — delivered twice, republished, or left pending over a worker restart — with
 * their amounts exact.
 */
describe('worker-etl game and wallet hold facts (e2e)', () => {
  const id = uniqueTestId('factsgame');
  const config = loadWorkerConfig({
    ...isolatedSettings(id),
    ETL_BATCH_MAX_WAIT_MS: '1000',
    MAIL_DELIVERY_ENABLED: 'false',
    SMS_DELIVERY_ENABLED: 'false',
    REPORT_EXPORTS_ENABLED: 'false',
  });
  let clickhouse: ClickHouseClient;
  let nats: NatsConnection;
  let app: NestFastifyApplication | undefined;

  const startWorker = async (): Promise<NestFastifyApplication> => {
    const started = await createWorkerApp(config);
    await started.init();
    return started;
  };
  const query = async <T>(sql: string): Promise<T[]> =>
    (await clickhouse.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  const count = async (table: string, where: string): Promise<number> =>
    Number((await query<{ n: string }>(`SELECT toString(count()) AS n FROM ${table} WHERE ${where}`))[0]?.n ?? 0);
  /**
   * The same envelope published twice under two message ids, as a relay that sent it again after JetStream's
   * duplicate window: the consumer gets it twice and only the loader's look-up keeps the second out.
   */
  const publishTwice = async (stream: EventStreamKey, event: DomainEventEnvelope): Promise<void> => {
    const subject = subjectFor(id, stream, event.type);
    const data = new TextEncoder().encode(JSON.stringify(event));
    await nats.jetstream().publish(subject, data, { msgID: event.id });
    await nats.jetstream().publish(subject, data, { msgID: `${event.id}:again` });
  };

  beforeAll(async () => {
    clickhouse = await factsDatabase(config, id);
    nats = await connect({ servers: config.NATS_URL });
    app = await startWorker();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await nats?.close();
    await clickhouse?.close();
    await disposeIsolatedResources(id, config);
  });

  it('loads sessions, rounds and holds once each, over redeliveries and a worker restart, with exact totals', async () => {
    const userId = randomUUID();
    await publishTwice('user', registered(userId, 'MT'));
    await eventually(async () => (await count('players', `user_id = '${userId}'`)) === 1, 15_000);

    const sessionId = randomUUID();
    const opened = sessionOpened(sessionId, userId, '2026-12-01T12:00:00.000Z');
    const big = roundClosed(userId, BEYOND_DOUBLE, '9007199254740995');
    const small = roundClosed(userId, '100', '0');
    const holdId = randomUUID();
    const placed = holdEvent('wallet.hold.placed', userId, holdId, BEYOND_DOUBLE, '2026-12-01T12:01:00.000Z');
    for (const event of [opened, big, small]) await publishTwice('game', event);
    await publishTwice('wallet', placed);
    await eventually(
      async () =>
        (await count('game_sessions', `session_id = '${sessionId}'`)) === 1 &&
        (await count('game_rounds', `user_id = '${userId}'`)) === 2 &&
        (await count('wallet_holds', `hold_id = '${holdId}'`)) === 1,
      20_000,
    );

    // Stopped with nothing in flight; meanwhile new events, ones it loaded, and a round republished under a new
    // event id (the round id is the key) wait on the streams.
    await app?.close();
    app = undefined;
    const closed = sessionClosed(sessionId, userId, '2026-12-01T12:30:00.000Z');
    const captured = holdEvent('wallet.hold.captured', userId, holdId, BEYOND_DOUBLE, '2026-12-01T12:02:00.000Z');
    for (const event of [closed, opened, { ...big, id: randomUUID() }]) await publishTwice('game', event);
    for (const event of [captured, placed]) await publishTwice('wallet', event);
    app = await startWorker();

    await eventually(
      async () =>
        (await count('game_sessions', `session_id = '${sessionId}'`)) === 2 &&
        (await count('wallet_holds', `hold_id = '${holdId}'`)) === 2,
      20_000,
    );
    // Give a doubled row time to arrive, were the loader to let one through.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    expect(
      await query(
        'SELECT event_id, toString(occurred_at) AS at, event_kind, user_id, game_id, provider, game_code, mode, ' +
          `platform, currency, reason FROM game_sessions WHERE session_id = '${sessionId}' ORDER BY occurred_at`,
      ),
    ).toEqual([
      {
        event_id: opened.id,
        at: '2026-12-01 12:00:00',
        event_kind: 'opened',
        user_id: userId,
        game_id: 'game-7',
        provider: 'demo',
        game_code: 'lucky-sevens',
        mode: 'real',
        platform: 'mobile',
        currency: 'EUR',
        reason: '',
      },
      {
        event_id: closed.id,
        at: '2026-12-01 12:30:00',
        event_kind: 'closed',
        user_id: userId,
        game_id: 'game-7',
        provider: 'demo',
        game_code: '',
        mode: '',
        platform: '',
        currency: '',
        reason: 'expired',
      },
    ]);
    expect(
      await query(
        'SELECT round_id, toString(total_bet) AS bet, toString(total_win) AS win, toString(opened_at) AS opened, ' +
          'toString(closed_at) AS closed, provider, provider_round_id, game_code, currency, country ' +
          `FROM game_rounds WHERE user_id = '${userId}' ORDER BY total_bet`,
      ),
    ).toEqual(
      [small, big].map(({ payload }) => ({
        round_id: payload.roundId,
        bet: payload.totalBet,
        win: payload.totalWin,
        opened: '2026-12-01 12:00:00',
        closed: '2026-12-01 12:05:00',
        provider: 'demo',
        provider_round_id: payload.providerRoundId,
        game_code: 'lucky-sevens',
        currency: 'EUR',
        country: 'MT',
      })),
    );
    expect(await query(`SELECT toString(sum(total_bet)) AS bets FROM game_rounds WHERE user_id = '${userId}'`)).toEqual(
      [{ bets: (BigInt(BEYOND_DOUBLE) + 100n).toString() }],
    );
    expect(
      await query(
        'SELECT event_id, event_kind, transaction_id, provider, toString(amount) AS amount, country FROM wallet_holds ' +
          `WHERE hold_id = '${holdId}' ORDER BY occurred_at`,
      ),
    ).toEqual(
      [placed, captured].map((event) => ({
        event_id: event.id,
        event_kind: event.type.slice('wallet.hold.'.length),
        transaction_id: event.payload.transactionId,
        provider: 'sandbox',
        amount: BEYOND_DOUBLE,
        country: 'MT',
      })),
    );
    // Hold events stay off the wallet transactions' consumer (its filter is wallet.transaction.completed).
    expect(await count('wallet_transactions', `user_id = '${userId}'`)).toBe(0);

    // A batch delivered again (the worker died after ClickHouse took it, before JetStream heard the ack) adds nothing.
    const loader = (app as NestFastifyApplication).get(FactsLoader);
    expect(await loader.loadGameEvents([opened, closed, big, small])).toBe(0);
    expect(await loader.loadWalletHolds([placed, captured])).toBe(0);
  }, 90_000);

  it('shows the new consumers on /metrics and keeps /health/ready up', async () => {
    const worker = app as NestFastifyApplication;
    await eventually(async () => {
      const body = (await worker.inject({ method: 'GET', url: '/metrics' })).body;
      return /worker_etl_pending_messages\{consumer="game"\} 0/.test(body);
    }, 10_000);
    const response = await worker.inject({ method: 'GET', url: '/metrics' });
    expect(response.body).toMatch(/worker_etl_lag_seconds_count\{consumer="game"\} [1-9]/);
    expect(response.body).toMatch(/worker_etl_lag_seconds_count\{consumer="wallet-holds"\} [1-9]/);
    expect(response.body).toMatch(/worker_etl_pending_messages\{consumer="wallet-holds"\} 0/);
    expect(response.body).toMatch(/worker_etl_duplicate_rows_total\{table="game_rounds"\} [1-9]/);
    expect(response.body).toMatch(/worker_etl_duplicate_rows_total\{table="wallet_holds"\} [1-9]/);
    const ready = await worker.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json()).toMatchObject({ details: { etl_lag: { status: 'up' } } });
  });
});
