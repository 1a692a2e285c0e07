import { EVENT_STREAMS, type WalletTransactionCompletedEvent } from '@casino/contracts';
import { EVENT_BUS, migrateClickHouse, type EventBus } from '@casino/platform';
import { disposeIsolatedResources, eventually, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import { createClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createWorkerApp } from '../src/bootstrap';
import { loadWorkerConfig } from '../src/config/load-worker-config';

/** The ClickHouse schema is nest-app's (it owns the migrations); the worker only writes into it. */
const CLICKHOUSE_MIGRATIONS = join(__dirname, '../../nest-app/src/infra/clickhouse/migrations');

function completedBet(amount: string): WalletTransactionCompletedEvent {
  const walletId = randomUUID();
  return {
    id: randomUUID(),
    type: 'wallet.transaction.completed',
    version: 1,
    occurredAt: '2026-11-27T09:40:01.500Z',
    aggregateId: walletId,
    payload: {
      walletId,
      userId: randomUUID(),
      transactionId: randomUUID(),
      transactionType: 'bet',
      currency: 'EUR',
      amount,
      entries: [
        { accountId: randomUUID(), accountKind: 'player_cash', amount: `-${amount}`, currency: 'EUR' },
        { accountId: randomUUID(), accountKind: 'game_settlement', amount, currency: 'EUR' },
      ],
      balanceAfter: { cash: '0', bonus: '0', held: '0', available: '0', currency: 'EUR' },
    },
  };
}

describe('worker-etl loads wallet transactions into ClickHouse (e2e)', () => {
  const id = uniqueTestId('walletentries');
  const config = loadWorkerConfig(isolatedSettings(id));
  const clickhouse = createClient({ url: config.CLICKHOUSE_URL, database: id });
  let app: NestFastifyApplication;

  beforeAll(async () => {
    await migrateClickHouse(
      {
        url: config.CLICKHOUSE_URL,
        database: id,
        username: config.CLICKHOUSE_USER,
        password: config.CLICKHOUSE_PASSWORD,
      },
      CLICKHOUSE_MIGRATIONS,
    );
    app = await createWorkerApp(config);
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await clickhouse.close();
    await disposeIsolatedResources(id, config);
  });

  it('writes one row per entry, exactly, even when the same transaction arrives twice', async () => {
    const bus = app.get<EventBus>(EVENT_BUS);
    const event = completedBet('9007199254740993');
    await bus.publish(EVENT_STREAMS.WALLET, event);
    // A republish of the same event id is dropped by JetStream's duplicate window...
    expect((await bus.publish(EVENT_STREAMS.WALLET, { ...event })).duplicate).toBe(true);
    // ...a copy under another id is not (a relay bug, a replay): the table must absorb it.
    await bus.publish(EVENT_STREAMS.WALLET, { ...event, id: randomUUID() });

    const query = async <T>(sql: string): Promise<T[]> =>
      (await clickhouse.query({ query: sql, format: 'JSONEachRow' })).json<T>();
    const ofTransaction = `transaction_id = '${event.payload.transactionId}'`;
    // Both deliveries were loaded (2 entries each) before the table's deduplication is checked.
    await eventually(
      async () =>
        (await query<{ n: string }>(`SELECT count() AS n FROM wallet_entries WHERE ${ofTransaction}`))[0]?.n === '4',
      15_000,
    );
    expect(
      await query(
        "SELECT account_kind, amount, toString(occurred_at, 'UTC') AS at FROM wallet_entries FINAL " +
          `WHERE ${ofTransaction} ORDER BY account_kind`,
      ),
    ).toEqual([
      { account_kind: 'game_settlement', amount: '9007199254740993', at: '2026-11-27 09:40:01' },
      { account_kind: 'player_cash', amount: '-9007199254740993', at: '2026-11-27 09:40:01' },
    ]);
  });
});
