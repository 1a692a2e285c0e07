import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ReportingService, type ReportActor, type ReportQueryInput } from '../../src/modules/report';
import { ReportCache } from '../../src/modules/report/report-cache';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { insertGames, insertTransactions } from './report-seed';

const OPEN_TTL = 30;
const CLOSED_TTL = 5000;

/** The report cache: keyed by the normalized query, short-lived for open days, best effort when Redis is gone. */
describe('report cache (integration, real ClickHouse and Redis)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clickhouse: ClickHouseClient;
  let redis: Redis;
  const actor: ReportActor = {
    user: { userId: randomUUID(), roles: ['finance'] } as ReportActor['user'],
    origin: { ip: null, userAgent: 'jest' },
  };
  const bet = (at: string, cash: number) => ({
    at,
    type: 'bet',
    user: 'cache-player',
    currency: 'EUR',
    country: 'DE',
    cash: -cash,
    provider: 'hub88',
    game: 'slot-1',
  });
  const turnover = (dateRange: ReportQueryInput['dateRange']): ReportQueryInput => ({
    measures: ['turnover'],
    filters: [{ dimension: 'currency', operator: 'equals', values: ['EUR'] }],
    timeZone: 'Europe/Berlin',
    dateRange,
  });

  beforeAll(async () => {
    environment = await createTestEnvironment('reportcache', {
      REPORT_CACHE_OPEN_TTL_SECONDS: String(OPEN_TTL),
      REPORT_CACHE_CLOSED_TTL_SECONDS: String(CLOSED_TTL),
    });
    app = await startTestApp(environment.config);
    clickhouse = createClient({ url: environment.config.CLICKHOUSE_URL, database: environment.id });
    redis = new Redis(environment.config.REDIS_URL);
    await insertGames(clickhouse);
  });

  afterAll(async () => {
    await redis?.quit();
    await clickhouse?.close();
    await app?.close();
    await environment?.dispose();
  });

  const ttls = async (): Promise<number[]> => {
    const keys = await redis.keys(`${environment.id}:report:v2:*`);
    return Promise.all(keys.map((key) => redis.ttl(key)));
  };

  it('answers a repeated query of closed days from the cache, kept for the closed-day TTL', async () => {
    const reporting = app.get(ReportingService);
    await insertTransactions(clickhouse, [bet('2026-11-10T10:00:00Z', 700)]);
    const range = { from: '2026-11-01', to: '2026-11-30' };
    const first = await reporting.query(actor, turnover(range));
    expect([first.cached, first.provisional, first.totals]).toEqual([false, false, [{ turnover: '700' }]]);
    // The same query spelled differently (order, duplicates) is the same normalized query.
    await insertTransactions(clickhouse, [bet('2026-11-11T10:00:00Z', 300)]);
    const again = await reporting.query(actor, { ...turnover(range), measures: ['turnover', 'turnover'] });
    expect([again.cached, again.totals]).toEqual([true, [{ turnover: '700' }]]);
    const [ttl] = await ttls();
    expect(ttl).toBeGreaterThan(OPEN_TTL);
    expect(ttl).toBeLessThanOrEqual(CLOSED_TTL);
  });

  it('keeps a result that touches yesterday or today (in the query zone) only for the open-day TTL', async () => {
    await redis.del(...(await redis.keys(`${environment.id}:report:v2:*`)));
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
    const result = await app.get(ReportingService).query(actor, turnover({ from: '2026-11-01', to: today }));
    expect([result.cached, result.provisional]).toEqual([false, true]);
    const [ttl] = await ttls();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(OPEN_TTL);
  });

  it('queries ClickHouse when the cache connection is gone, never failing the report', async () => {
    await app.get(ReportCache).onApplicationShutdown();
    const range = { from: '2026-11-01', to: '2026-11-30' };
    const started = Date.now();
    const first = await app.get(ReportingService).query(actor, turnover(range));
    // Fresh from ClickHouse (the cached answer said 700): both bets.
    expect([first.cached, first.totals]).toEqual([false, [{ turnover: '1000' }]]);
    const second = await app.get(ReportingService).query(actor, turnover(range));
    expect(second.cached).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('report cache pointed at a Redis that is not there (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clickhouse: ClickHouseClient;

  beforeAll(async () => {
    // Nothing listens on port 1: every cache command fails at once.
    environment = await createTestEnvironment('reportdeadcache', { REPORT_CACHE_REDIS_URL: 'redis://127.0.0.1:1' });
    app = await startTestApp(environment.config);
    clickhouse = createClient({ url: environment.config.CLICKHOUSE_URL, database: environment.id });
    await insertTransactions(clickhouse, [
      { at: '2026-11-10T10:00:00Z', type: 'deposit', user: 'p', currency: 'EUR', country: 'DE', cash: 2500 },
    ]);
  });

  afterAll(async () => {
    await clickhouse?.close();
    await app?.close();
    await environment?.dispose();
  });

  it('answers every query from ClickHouse', async () => {
    const actor: ReportActor = {
      user: { userId: randomUUID(), roles: ['finance'] } as ReportActor['user'],
      origin: { ip: null, userAgent: 'jest' },
    };
    const input: ReportQueryInput = {
      measures: ['deposits_amount'],
      dimensions: ['currency'],
      timeZone: 'UTC',
      dateRange: { from: '2026-11-10', to: '2026-11-10' },
    };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result = await app.get(ReportingService).query(actor, input);
      expect([result.cached, result.rows]).toEqual([false, [{ currency: 'EUR', deposits_amount: '2500' }]]);
    }
  });

  it('refuses a query of more rows than it may return, rather than cutting it short', async () => {
    const actor: ReportActor = {
      user: { userId: randomUUID(), roles: ['finance'] } as ReportActor['user'],
      origin: { ip: null, userAgent: 'jest' },
    };
    const bets = Array.from({ length: 10_001 }, (_, index) => ({
      at: '2026-11-12T10:00:00Z',
      type: 'bet',
      user: 'p',
      currency: 'EUR',
      country: 'DE',
      cash: -1,
      provider: 'hub88',
      game: `game-${index}`,
    }));
    await insertTransactions(clickhouse, bets);
    const input: ReportQueryInput = {
      measures: ['bets_count'],
      dimensions: ['game'],
      timeZone: 'UTC',
      dateRange: { from: '2026-11-12', to: '2026-11-12' },
    };
    await expect(app.get(ReportingService).query(actor, input)).rejects.toMatchObject({
      code: 'REPORT_RESULT_TOO_LARGE',
    });
    const byProvider = await app.get(ReportingService).query(actor, { ...input, dimensions: ['provider'] });
    expect(byProvider.rows).toEqual([{ provider: 'hub88', bets_count: '10001' }]);
  });
});
