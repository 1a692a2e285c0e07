import { EVENT_STREAMS } from '@casino/contracts';
import { EVENT_BUS, type EventBus } from '@casino/platform';
import { disposeIsolatedResources, eventually, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createWorkerApp } from '../src/bootstrap';
import { loadWorkerConfig } from '../src/config/load-worker-config';
import { transaction } from './etl-events';
import { factsDatabase } from './support/facts-database';

/**
 * Issue 16: `/health/ready` degrades, naming `etl_lag` and the consumer, while events wait longer than
 * ETL_MAX_LAG_SECONDS (here ClickHouse refuses the batch: its table is away), and recovers by itself once they load.
 */
describe('worker-etl readiness follows the loading lag (e2e)', () => {
  const id = uniqueTestId('factslag');
  const config = loadWorkerConfig({
    ...isolatedSettings(id),
    ETL_BATCH_MAX_WAIT_MS: '1000',
    ETL_MAX_LAG_SECONDS: '2',
    MAIL_DELIVERY_ENABLED: 'false',
    SMS_DELIVERY_ENABLED: 'false',
    REPORT_EXPORTS_ENABLED: 'false',
  });
  let clickhouse: ClickHouseClient;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    clickhouse = await factsDatabase(config, id);
    app = await createWorkerApp(config);
    await app.init();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await clickhouse
      ?.command({ query: `RENAME TABLE wallet_transactions_away TO wallet_transactions` })
      .catch(() => undefined);
    await clickhouse?.close();
    await disposeIsolatedResources(id, config);
  });

  const ready = async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    return {
      status: response.statusCode,
      body: response.json<{ details?: Record<string, { status: string; message?: string }> }>(),
    };
  };

  it('is ready, degrades naming the lagging consumer while a batch cannot load, then recovers', async () => {
    expect((await ready()).status).toBe(200);
    await clickhouse.command({ query: `RENAME TABLE wallet_transactions TO wallet_transactions_away` });
    const userId = randomUUID();
    await app.get<EventBus>(EVENT_BUS).publish(EVENT_STREAMS.WALLET, transaction({ userId, type: 'bet', cash: -700n }));
    await eventually(async () => (await ready()).status === 503, 20_000, 250);
    const degraded = await ready();
    expect(degraded.body).toMatchObject({
      error: {
        code: 'SERVICE_UNAVAILABLE',
        details: {
          down: ['etl_lag'],
          checks: { etl_lag: { status: 'down', message: 'ETL lag over ETL_MAX_LAG_SECONDS: wallet' } },
        },
      },
    });

    await clickhouse.command({ query: `RENAME TABLE wallet_transactions_away TO wallet_transactions` });
    await eventually(async () => (await ready()).status === 200, 30_000, 250);
    const rows = await (
      await clickhouse.query({
        query: `SELECT toString(cash_amount) AS cash FROM wallet_transactions WHERE user_id = '${userId}'`,
        format: 'JSONEachRow',
      })
    ).json();
    expect(rows).toEqual([{ cash: '-700' }]);
  }, 90_000);
});
