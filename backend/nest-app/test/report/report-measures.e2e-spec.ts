import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { bearer, signIn, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { validateReportQuery } from '../../src/modules/report/query/report-query';
import { ReportRunner } from '../../src/modules/report/report-runner';
import { ReportRepository } from '../../src/modules/report/report.repository';
import { insertGames, insertTransactions, SEED } from './report-seed';

interface ErrorBody {
  error: { code: string };
}

interface ReportBody {
  rows: Record<string, string | null>[];
  totals: Record<string, string | null>[];
  cached: boolean;
  provisional: boolean;
}

const NOVEMBER = { from: '2026-11-01', to: '2026-11-30' };
const ALL_MEASURES = [
  'turnover',
  'bets_count',
  'ggr',
  'hold_pct',
  'bonus_cost',
  'gaming_tax',
  'ngr',
  'deposits_count',
  'deposits_amount',
  'withdrawals_count',
  'withdrawals_amount',
  'unique_depositors',
  'ftd_count',
  'ftd_amount',
  'active_players',
  'arpu',
  'bonus_granted',
  'bonus_converted',
  'bonus_removed',
];

describe('reports: measures over seeded facts, time zones, hostile input, permissions (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clickhouse: ClickHouseClient;
  let finance: SignedIn;
  let compliance: SignedIn;

  beforeAll(async () => {
    environment = await createTestEnvironment('reports', {
      ADMIN_EMAIL: adminEmail,
      // 15% in GB only: NGR of the GBP rows deducts it for C's GGR, not for D (DE).
      REPORT_GAMING_TAX_RATES: 'GB:1500',
      AUTH_RATE_LIMIT_PER_IP: '5000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '5000',
    });
    app = await startTestApp(environment.config);
    clickhouse = createClient({ url: environment.config.CLICKHOUSE_URL, database: environment.id });
    await insertGames(clickhouse);
    await insertTransactions(clickhouse, SEED);
    finance = await signInAsStaff(app, adminEmail, 'finance');
    compliance = await signInAsStaff(app, adminEmail, 'compliance');
  });

  afterAll(async () => {
    await clickhouse?.close();
    await app?.close();
    await environment?.dispose();
  });

  const query = (payload: object, who: SignedIn = finance) =>
    app.inject({ method: 'POST', url: '/api/v1/reports/query', headers: bearer(who.accessToken), payload });

  it('computes every measure per currency, money as strings of minor units', async () => {
    const response = await query({
      measures: ALL_MEASURES,
      dimensions: ['currency'],
      timeZone: 'UTC',
      dateRange: NOVEMBER,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<ReportBody>();
    const eur = {
      currency: 'EUR',
      turnover: '1650',
      bets_count: '5',
      ggr: '1200',
      hold_pct: '72.72',
      bonus_cost: '0',
      gaming_tax: '0',
      ngr: '1200',
      deposits_count: '3',
      deposits_amount: '8000',
      withdrawals_count: '1',
      withdrawals_amount: '1500',
      unique_depositors: '2',
      ftd_count: '2',
      ftd_amount: '6000',
      active_players: '2',
      arpu: '600',
      // No bonus facts in the seed (bonus-facts.e2e-spec.ts has them).
      bonus_granted: '0',
      bonus_converted: '0',
      bonus_removed: '0',
    };
    const gbp = {
      currency: 'GBP',
      turnover: '1700',
      bets_count: '2',
      ggr: '1600',
      hold_pct: '94.11',
      bonus_cost: '0',
      gaming_tax: '90',
      ngr: '1510',
      deposits_count: '1',
      deposits_amount: '3000',
      withdrawals_count: '0',
      withdrawals_amount: '0',
      unique_depositors: '1',
      ftd_count: '1',
      ftd_amount: '3000',
      active_players: '2',
      arpu: '800',
      bonus_granted: '0',
      bonus_converted: '0',
      bonus_removed: '0',
    };
    expect(body.rows).toEqual([eur, gbp]);
    expect(body.totals).toEqual([eur, gbp]);
  });

  it('truncates a negative hold toward zero and leaves a ratio over nothing empty (ClickHouse intDiv, as the docs say)', async () => {
    const october = { from: '2026-10-01', to: '2026-10-31' };
    const usd = { currency: 'USD', country: 'US', provider: 'hub88', game: 'slot-1' };
    await insertTransactions(clickhouse, [
      { at: '2026-10-05T10:00:00Z', type: 'bet', user: 'player-u', ...usd, cash: -3000 },
      { at: '2026-10-05T10:01:00Z', type: 'win', user: 'player-u', ...usd, cash: 3001 },
      { at: '2026-10-05T11:00:00Z', type: 'deposit', user: 'player-v', currency: 'CHF', country: 'CH', cash: 700 },
    ]);
    const response = await query({
      measures: ['ggr', 'hold_pct', 'arpu', 'deposits_amount'],
      dimensions: ['currency'],
      timeZone: 'UTC',
      dateRange: october,
    });
    expect(response.statusCode).toBe(200);
    // -1 * 10000 / 3000 = -3.33 basis points: -0.03 %, not -0.04 (a floor would give that).
    expect(response.json<ReportBody>().rows).toEqual([
      { currency: 'CHF', ggr: '0', hold_pct: null, arpu: null, deposits_amount: '700' },
      { currency: 'USD', ggr: '-1', hold_pct: '-0.03', arpu: '-1', deposits_amount: '0' },
    ]);
  });

  it('answers from the coarsest rollup that holds the range (1 day, 1 hour, 15 minutes), each giving the same rows', async () => {
    const runner = app.get(ReportRunner);
    const queries = ['UTC', 'Europe/Berlin', 'Asia/Kolkata'].map((timeZone) =>
      validateReportQuery({
        measures: ['ggr', 'turnover', 'bets_count', 'gaming_tax'],
        dimensions: ['day', 'currency', 'game', 'country'],
        timeZone,
        dateRange: NOVEMBER,
      }),
    );
    const run = async () => Promise.all(queries.map(async (query) => (await runner.run(query)).rows));
    const fromCoarse = await run();
    expect(fromCoarse.every((rows) => rows.length > 0)).toBe(true);
    // Emptied, the daily rollup answers nothing for UTC: that query was read there (Berlin from gaming_1h, Kolkata
    // from gaming_15m still answer).
    await clickhouse.command({ query: 'TRUNCATE TABLE gaming_1d' });
    await clickhouse.command({ query: 'TRUNCATE TABLE gaming_1h' });
    const emptied = await run();
    expect(emptied.map((rows) => rows.length)).toEqual([0, 0, fromCoarse[2]?.length]);
    // Covering nothing (a rollup made after its history), every query reads gaming_15m: the same rows as before.
    await clickhouse.insert({
      table: 'rollup_coverage',
      format: 'JSONEachRow',
      values: ['gaming_1h', 'gaming_1d'].map((table) => ({
        rollup_table: table,
        complete_from: '2100-01-01 00:00:00',
        recorded_at: '2099-01-01 00:00:00',
      })),
    });
    await app.get(ReportRepository).rollupCoverage(Date.now() + 3_600_000);
    expect(await run()).toEqual(fromCoarse);
  });

  it('counts a first deposit only in the period it falls in, and totals distinct players over the range', async () => {
    const response = await query({
      measures: ['ftd_count', 'ftd_amount', 'unique_depositors', 'active_players'],
      dimensions: ['day'],
      filters: [{ dimension: 'currency', operator: 'equals', values: ['EUR'] }],
      timeZone: 'UTC',
      dateRange: { from: '2026-11-09', to: '2026-11-10' },
    });
    const body = response.json<ReportBody>();
    expect(body.rows).toEqual([
      { day: '2026-11-09', ftd_count: '1', ftd_amount: '5000', unique_depositors: '1', active_players: '0' },
      { day: '2026-11-10', ftd_count: '1', ftd_amount: '1000', unique_depositors: '2', active_players: '2' },
    ]);
    // A deposited on both days: counted once over the range.
    expect(body.totals).toEqual([{ ftd_count: '2', ftd_amount: '6000', unique_depositors: '2', active_players: '2' }]);
  });

  it('puts a bet at 23:30 UTC on the next day in Europe/Berlin and on its own day in UTC', async () => {
    const byDay = async (timeZone: string) =>
      (
        await query({
          measures: ['bets_count', 'ggr'],
          dimensions: ['day'],
          filters: [{ dimension: 'currency', operator: 'equals', values: ['EUR'] }],
          timeZone,
          dateRange: { from: '2026-11-10', to: '2026-11-11' },
        })
      ).json<ReportBody>().rows;
    expect(await byDay('UTC')).toEqual([{ day: '2026-11-10', bets_count: '5', ggr: '1200' }]);
    expect(await byDay('Europe/Berlin')).toEqual([
      { day: '2026-11-10', bets_count: '4', ggr: '1000' },
      { day: '2026-11-11', bets_count: '1', ggr: '200' },
    ]);
    const weeks = await query({
      measures: ['bets_count'],
      dimensions: ['month', 'week'],
      timeZone: 'Pacific/Auckland',
      dateRange: NOVEMBER,
    });
    // In Auckland (UTC+13) every November bet is on 10 or 11 November: the week from Monday 9 November.
    expect(weeks.json<ReportBody>().rows).toEqual([{ month: '2026-11-01', week: '2026-11-09', bets_count: '7' }]);
  });

  it('splits by category (the newest version of the games dimension) and filters on it', async () => {
    const response = await query({
      measures: ['ggr'],
      dimensions: ['category', 'currency'],
      timeZone: 'UTC',
      dateRange: NOVEMBER,
    });
    expect(response.json<ReportBody>().rows).toEqual([
      { category: 'live', currency: 'GBP', ggr: '1600' },
      { category: 'slots', currency: 'EUR', ggr: '1200' },
    ]);
    const live = await query({
      measures: ['ggr', 'active_players'],
      dimensions: ['country'],
      filters: [
        { dimension: 'category', operator: 'in', values: ['live'] },
        { dimension: 'currency', operator: 'equals', values: ['GBP'] },
      ],
      timeZone: 'UTC',
      dateRange: NOVEMBER,
    });
    expect(live.json<ReportBody>().rows).toEqual([
      { country: 'DE', ggr: '1000', active_players: '1' },
      { country: 'GB', ggr: '600', active_players: '1' },
    ]);
  });

  it('splits deposits by payment provider', async () => {
    const response = await query({
      measures: ['deposits_count', 'deposits_amount', 'withdrawals_amount'],
      dimensions: ['payment_provider', 'currency'],
      timeZone: 'UTC',
      dateRange: NOVEMBER,
    });
    expect(response.json<ReportBody>().rows).toEqual([
      {
        payment_provider: 'sandbox',
        currency: 'EUR',
        deposits_count: '3',
        deposits_amount: '8000',
        withdrawals_amount: '1500',
      },
      {
        payment_provider: 'stripe',
        currency: 'GBP',
        deposits_count: '1',
        deposits_amount: '3000',
        withdrawals_amount: '0',
      },
    ]);
  });

  it('runs the UKGC quarterly return: GGY by product and active players per London quarter, GB players only', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/named/ukgc_quarterly_return',
      headers: bearer(compliance.accessToken),
      payload: { dateRange: { from: '2026-04-01', to: '2026-12-31' } },
    });
    expect(response.statusCode).toBe(200);
    // E's bet at 23:30 UTC on 30 June is 1 July in London (BST): the third quarter. D (DE) is left out.
    expect(response.json<ReportBody>().rows).toEqual([
      { quarter: '2026-07-01', category: 'live', currency: 'GBP', ggy: '50', active_players: '1' },
      { quarter: '2026-10-01', category: 'live', currency: 'GBP', ggy: '600', active_players: '1' },
    ]);
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/named/no_such_report',
      headers: bearer(compliance.accessToken),
      payload: { dateRange: { from: '2026-04-01', to: '2026-12-31' } },
    });
    expect([unknown.statusCode, unknown.json<ErrorBody>().error.code]).toEqual([404, 'REPORT_UNKNOWN']);
  });

  it('matches hostile filter values literally: they find nothing and change nothing', async () => {
    const before = await countTransactions(clickhouse);
    const hostile = [
      "GB' OR '1'='1",
      "GB\\' OR 1=1 --",
      "GB'); DROP TABLE wallet_transactions; --",
      'GB /* comment */',
      "' UNION SELECT 1, 2, 3 --",
      'GB\\',
      'GB\n',
    ];
    const response = await query({
      measures: ['ggr', 'bets_count'],
      dimensions: ['country'],
      filters: [
        { dimension: 'country', operator: 'in', values: hostile },
        { dimension: 'currency', operator: 'equals', values: ['GBP'] },
      ],
      timeZone: 'UTC',
      dateRange: NOVEMBER,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<ReportBody>().rows).toEqual([]);
    const withGb = await query({
      measures: ['ggr'],
      filters: [
        { dimension: 'country', operator: 'in', values: [...hostile, 'GB'] },
        { dimension: 'currency', operator: 'equals', values: ["GBP' --"] },
      ],
      timeZone: 'UTC',
      dateRange: NOVEMBER,
    });
    expect(withGb.json<ReportBody>().totals).toEqual([{ ggr: '0' }]);
    expect(await countTransactions(clickhouse)).toBe(before);
  });

  it('splits deposits and withdrawals by payment method', async () => {
    const response = await query({
      measures: ['deposits_count', 'deposits_amount', 'withdrawals_count', 'withdrawals_amount'],
      dimensions: ['payment_method', 'currency'],
      filters: [{ dimension: 'payment_method', operator: 'in', values: ['bank_transfer', 'card', 'e_wallet'] }],
      timeZone: 'UTC',
      dateRange: NOVEMBER,
    });
    expect(response.statusCode).toBe(200);
    const row = (method: string, currency: string, deposits: [string, string], withdrawals: [string, string]) => ({
      payment_method: method,
      currency,
      deposits_count: deposits[0],
      deposits_amount: deposits[1],
      withdrawals_count: withdrawals[0],
      withdrawals_amount: withdrawals[1],
    });
    expect(response.json<ReportBody>().rows).toEqual([
      row('bank_transfer', 'EUR', ['1', '1000'], ['1', '1500']),
      row('card', 'EUR', ['2', '7000'], ['0', '0']),
      row('e_wallet', 'GBP', ['1', '3000'], ['0', '0']),
    ]);
  });

  it('refuses a payment method filter outside the catalogue: hostile values get 400 and change nothing', async () => {
    const before = await countTransactions(clickhouse);
    const hostile = [
      "card' OR '1'='1",
      "card\\' OR 1=1 --",
      "card'); DROP TABLE wallet_transactions; --",
      'card /* comment */',
      "' UNION SELECT 1, 2, 3 --",
      'card\\',
      'CARD',
      'paypal',
    ];
    const codes = [];
    for (const value of hostile) {
      const response = await query({
        measures: ['deposits_amount'],
        dimensions: ['currency'],
        filters: [{ dimension: 'payment_method', operator: 'in', values: ['card', value] }],
        timeZone: 'UTC',
        dateRange: NOVEMBER,
      });
      codes.push([response.statusCode, response.json<ErrorBody>().error.code]);
    }
    expect(codes).toEqual(hostile.map(() => [400, 'REPORT_FILTER_INVALID']));
    expect(await countTransactions(clickhouse)).toBe(before);
  });

  it('refuses unknown or hostile names with stable codes', async () => {
    const base = { measures: ['ggr'], dimensions: ['currency'], timeZone: 'UTC', dateRange: NOVEMBER };
    const cases: [object, string][] = [
      [{ ...base, measures: ['ggr; DROP TABLE games --'] }, 'REPORT_MEASURE_UNKNOWN'],
      [{ ...base, measures: ['constructor'] }, 'REPORT_MEASURE_UNKNOWN'],
      [{ ...base, dimensions: ['day) UNION SELECT 1 --'] }, 'REPORT_DIMENSION_UNKNOWN'],
      [{ ...base, dimensions: ['__proto__'] }, 'REPORT_DIMENSION_UNKNOWN'],
      [
        { ...base, filters: [{ dimension: "country' /*", operator: 'equals', values: ['GB'] }] },
        'REPORT_DIMENSION_UNKNOWN',
      ],
      [{ ...base, filters: [{ dimension: 'day', operator: 'equals', values: ['x'] }] }, 'REPORT_FILTER_INVALID'],
      [
        { ...base, filters: [{ dimension: 'country', operator: 'equals', values: ['GB', 'DE'] }] },
        'REPORT_FILTER_INVALID',
      ],
      [{ ...base, timeZone: "UTC', 'x') --" }, 'REPORT_TIME_ZONE_INVALID'],
      [{ ...base, timeZone: 'Mars/Olympus_Mons' }, 'REPORT_TIME_ZONE_INVALID'],
      [{ ...base, dateRange: { from: '2026-11-30', to: '2026-11-01' } }, 'REPORT_DATE_RANGE_INVALID'],
      [{ ...base, dateRange: { from: "2026-11'--", to: '2026-11-30' } }, 'REPORT_DATE_RANGE_INVALID'],
      [{ ...base, dateRange: { from: '2026-02-30', to: '2026-03-01' } }, 'REPORT_DATE_RANGE_INVALID'],
      [{ ...base, dimensions: ['day'] }, 'REPORT_CURRENCY_REQUIRED'],
      [
        { ...base, filters: [{ dimension: 'currency', operator: 'in', values: ['EUR', 'GBP'] }], dimensions: [] },
        'REPORT_CURRENCY_REQUIRED',
      ],
      [{ ...base, dimensions: ['payment_provider', 'currency'] }, 'REPORT_DIMENSION_NOT_APPLICABLE'],
      [{ ...base, dimensions: ['payment_method', 'currency'] }, 'REPORT_DIMENSION_NOT_APPLICABLE'],
      [{ ...base, measures: [], dimensions: ['currency'] }, 'VALIDATION_FAILED'],
    ];
    const outcomes = [];
    for (const [payload] of cases) {
      const response = await query(payload);
      outcomes.push([response.statusCode, response.json<ErrorBody>().error.code]);
    }
    expect(outcomes).toEqual(cases.map(([, code]) => [400, code]));
  });

  it('audits every query with who ran it', async () => {
    const response = await query(
      { measures: ['bets_count'], dimensions: ['provider'], timeZone: 'UTC', dateRange: NOVEMBER },
      compliance,
    );
    expect(response.statusCode).toBe(200);
    const rows = await app
      .get(DataSource)
      .query(
        `SELECT actor_id, actor_roles, details FROM audit_log WHERE action = 'report.query' AND actor_id = $1 ORDER BY occurred_at, id`,
        [compliance.userId],
      );
    expect(rows.at(-1)).toMatchObject({
      actor_id: compliance.userId,
      actor_roles: expect.arrayContaining(['compliance']),
      details: { query: { measures: ['bets_count'], dimensions: ['provider'], timeZone: 'UTC' } },
    });
  });

  it('answers a repeated query from the cache as the same JSON, audited as cached', async () => {
    const payload = {
      measures: ['ggr', 'bets_count'],
      dimensions: ['day'],
      filters: [{ dimension: 'currency', operator: 'equals', values: ['EUR'] }],
      timeZone: 'Europe/Berlin',
      dateRange: { from: '2026-11-09', to: '2026-11-11' },
    };
    const first = await query(payload, compliance);
    const again = await query(payload, compliance);
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    const [fresh, cached] = [first.json<ReportBody>(), again.json<ReportBody>()];
    expect([fresh.cached, cached.cached]).toEqual([false, true]);
    expect({ ...cached, cached: false }).toEqual(fresh);
    // The totals of additive measures are the sums of the rows: B's bet at 23:30 UTC is on 11 November in Berlin.
    expect(fresh.totals).toEqual([{ ggr: '1200', bets_count: '5' }]);
    const audited = await app
      .get(DataSource)
      .query(`SELECT details FROM audit_log WHERE action = 'report.query' AND actor_id = $1 ORDER BY occurred_at, id`, [
        compliance.userId,
      ]);
    expect(audited.slice(-2).map((row: { details: { cached: boolean } }) => row.details.cached)).toEqual([false, true]);
  });

  it("fills the admin dashboard's KPIs with today's figures per currency", async () => {
    const now = new Date().toISOString().slice(0, 19);
    await insertTransactions(clickhouse, [
      {
        at: now,
        type: 'bet',
        user: 'today',
        currency: 'EUR',
        country: 'DE',
        cash: -900,
        provider: 'hub88',
        game: 'slot-1',
      },
      {
        at: now,
        type: 'win',
        user: 'today',
        currency: 'EUR',
        country: 'DE',
        cash: 250,
        provider: 'hub88',
        game: 'slot-1',
      },
    ]);
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/dashboard',
      headers: bearer(finance.accessToken),
    });
    expect(response.json<{ kpis: Record<string, unknown> }>().kpis).toEqual({
      available: true,
      date: now.slice(0, 10),
      timeZone: 'UTC',
      provisional: true,
      'EUR ggr': '650',
      'EUR turnover': '900',
      'EUR deposits_amount': '0',
      'EUR active_players': '1',
      'EUR ftd_count': '0',
    });
  });

  it('lets finance, compliance and admin read reports; a player and a support member get 403', async () => {
    const support = await signInAsStaff(app, adminEmail, 'support');
    const player = await signIn(app);
    const admin = await signInAsStaff(app, adminEmail, 'admin');
    const catalogue = (who: SignedIn) =>
      app.inject({ method: 'GET', url: '/api/v1/reports/catalogue', headers: bearer(who.accessToken) });
    for (const who of [finance, compliance, admin]) expect((await catalogue(who)).statusCode).toBe(200);
    const names = (await catalogue(finance)).json<{ measures: { name: string }[] }>().measures.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(ALL_MEASURES));
    for (const who of [support, player]) {
      const denied = await catalogue(who);
      expect([denied.statusCode, denied.json<ErrorBody>().error.code]).toEqual([403, 'FORBIDDEN']);
      const run = await query(
        { measures: ['ggr'], dimensions: ['currency'], timeZone: 'UTC', dateRange: NOVEMBER },
        who,
      );
      expect([run.statusCode, run.json<ErrorBody>().error.code]).toEqual([403, 'FORBIDDEN']);
    }
  });
});

async function countTransactions(clickhouse: ClickHouseClient): Promise<string> {
  const result = await clickhouse.query({
    query: 'SELECT count() AS n FROM wallet_transactions',
    format: 'JSONEachRow',
  });
  return ((await result.json<{ n: string }>())[0] as { n: string }).n;
}
