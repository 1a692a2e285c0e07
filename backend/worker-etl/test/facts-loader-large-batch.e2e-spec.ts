import { disposeIsolatedResources, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { FactsLoader } from '../src/analytics/facts-loader.service';
import { createWorkerApp } from '../src/bootstrap';
import { loadWorkerConfig } from '../src/config/load-worker-config';
import { transaction } from './etl-events';
import { factsDatabase } from './support/facts-database';

/**
 * A batch's keyed look-up used to be one `IN (...)` statement: past about 6,000 keys it outgrew ClickHouse's
 * max_query_size (256 KiB), the batch was refused and came back forever (bench:reports found it). The keys now travel
 * as an external table (ClickHouseKeySet), never as SQL text: a batch of any ETL_BATCH_MAX_ROWS loads, once.
 */
const MAX_QUERY_SIZE_BYTES = 256 * 1024;
const QUOTED_UUID_BYTES = 40;
describe('worker-etl loads a batch larger than one look-up statement holds (e2e)', () => {
  const id = uniqueTestId('factsbig');
  const config = loadWorkerConfig({
    ...isolatedSettings(id),
    ETL_ENABLED: 'false',
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
    await clickhouse?.close();
    await disposeIsolatedResources(id, config);
  });

  it('loads 7,000 bets of distinct players in one batch, and none of them again', async () => {
    const count = 7_000;
    // As an IN list the keys alone would be over ClickHouse's max_query_size.
    expect(count * QUOTED_UUID_BYTES).toBeGreaterThan(MAX_QUERY_SIZE_BYTES);
    const bets = Array.from({ length: count }, () => transaction({ userId: randomUUID(), type: 'bet', cash: -3n }));
    const loader = app.get(FactsLoader);
    expect(await loader.loadWalletTransactions(bets)).toBe(count);
    expect(await loader.loadWalletTransactions(bets)).toBe(0);
    const [totals] = await (
      await clickhouse.query({
        query: 'SELECT toString(sum(bets_count)) AS bets, toString(sum(stake_cash)) AS stake FROM gaming_15m',
        format: 'JSONEachRow',
      })
    ).json<{ bets: string; stake: string }>();
    expect(totals).toEqual({ bets: String(count), stake: String(3 * count) });
  }, 60_000);
});
