import { eventually } from '@casino/platform/testing';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import ExcelJS from 'exceljs';
import { parquetReadObjects } from 'hyparquet';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { readCsv } from '../../../worker-etl/test/support/csv-reader';
import { bearer, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { exportWorker } from './export-worker';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { insertGames, insertTransactions, SEED } from './report-seed';

type Row = Record<string, string | null>;

interface StatusBody {
  state: string;
  rows: string | null;
  description: string;
  download: { url: string } | null;
}

const QUERY = {
  measures: ['ggr', 'hold_pct', 'bets_count', 'deposits_amount'],
  dimensions: ['day', 'currency'],
  timeZone: 'Europe/Berlin',
  dateRange: { from: '2026-11-01', to: '2026-11-30' },
};
/** The columns in the file's order: dimensions, then measures (both sorted, as the query is normalized). */
const COLUMNS = ['currency', 'day', 'bets_count', 'deposits_amount', 'ggr', 'hold_pct'];
const HEADER = ['Currency (ISO 4217)', 'Day', 'Bets', 'Deposits amount', 'GGR', 'Hold %'];

describe('report exports of queries: POST /reports/exports, files equal to the query rows (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clickhouse: ClickHouseClient;
  let directory: string;
  let finance: SignedIn;
  let support: SignedIn;
  let queried: Row[];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'nest-query-exports-'));
    environment = await createTestEnvironment('queryexports', {
      ADMIN_EMAIL: adminEmail,
      REPORT_EXPORT_DIR: directory,
    });
    const { config } = environment;
    const worker = exportWorker(config, directory);
    app = await startTestApp(config, [worker]);
    clickhouse = createClient({ url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE });
    await insertGames(clickhouse);
    await insertTransactions(clickhouse, SEED);
    finance = await signInAsStaff(app, adminEmail, 'finance');
    support = await signInAsStaff(app, adminEmail, 'support');
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/query',
      headers: bearer(finance.accessToken),
      payload: QUERY,
    });
    queried = response.json<{ rows: Row[] }>().rows;
  });

  afterAll(async () => {
    await clickhouse?.close();
    await app?.close();
    await environment?.dispose();
    await rm(directory, { recursive: true, force: true });
  });

  const requestExport = (payload: object, who: SignedIn = finance) =>
    app.inject({ method: 'POST', url: '/api/v1/reports/exports', headers: bearer(who.accessToken), payload });

  async function exported(payload: object): Promise<{ status: StatusBody; file: Buffer }> {
    const accepted = await requestExport(payload);
    expect(accepted.statusCode).toBe(202);
    const { id, status: url } = accepted.json<{ id: string; status: string }>();
    let status: StatusBody | undefined;
    await eventually(async () => {
      status = (await app.inject({ method: 'GET', url, headers: bearer(finance.accessToken) })).json<StatusBody>();
      return status.state === 'succeeded' || status.state === 'failed';
    }, 20_000);
    expect([id, status?.state]).toEqual([id, 'succeeded']);
    const download = await app.inject({ method: 'GET', url: status?.download?.url ?? '' });
    expect(download.statusCode).toBe(200);
    return { status: status as StatusBody, file: download.rawPayload };
  }

  const asCells = (rows: Row[]) => rows.map((row) => COLUMNS.map((name) => row[name] ?? null));

  it('has rows to compare: the seeded November in Berlin, with a deposit-only day whose hold is empty', () => {
    expect(queried.length).toBeGreaterThan(3);
    expect(queried.some((row) => row.hold_pct === null)).toBe(true);
  });

  it('writes a CSV whose rows are the query rows', async () => {
    const { status, file } = await exported({ format: 'csv', query: QUERY });
    const records = readCsv(file.toString('utf8'));
    expect(records[0]).toEqual(HEADER);
    expect(records.slice(1)).toEqual(asCells(queried).map((row) => row.map((value) => value ?? '')));
    expect(status.rows).toBe(String(queried.length));
    expect(status.description).toBe(
      'bets_count, deposits_amount, ggr, hold_pct by currency, day; 2026-11-01 to 2026-11-30 (Europe/Berlin)',
    );
  });

  it('writes an XLSX that exceljs reads back as the query rows', async () => {
    const { file } = await exported({ format: 'xlsx', query: QUERY });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(file).buffer);
    const read: unknown[][] = [];
    workbook.getWorksheet('Export')?.eachRow({ includeEmpty: false }, (row) => {
      read.push(COLUMNS.map((_name, index) => row.getCell(index + 1).value));
    });
    expect(read[0]).toEqual(HEADER);
    const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
    expect(read.slice(1).map((row) => row.map(text))).toEqual(asCells(queried));
  });

  it('writes a Parquet file that hyparquet reads back as the query rows', async () => {
    const { file } = await exported({ format: 'parquet', query: QUERY });
    const buffer = new Uint8Array(file).buffer;
    const rows = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
    const text = (value: unknown) =>
      value === null || value === undefined
        ? null
        : value instanceof Date
          ? value.toISOString().slice(0, 10)
          : String(value);
    expect(rows.map((row) => COLUMNS.map((name) => text(row[name])))).toEqual(asCells(queried));
  });

  it('exports a named report over a date range: the UKGC return', async () => {
    const dateRange = { from: '2026-04-01', to: '2026-12-31' };
    const named = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/named/ukgc_quarterly_return',
      headers: bearer(finance.accessToken),
      payload: { dateRange },
    });
    const expected = named.json<{ rows: Row[] }>().rows;
    expect(expected.length).toBeGreaterThan(0);
    const { file } = await exported({ format: 'csv', report: 'ukgc_quarterly_return', dateRange });
    const records = readCsv(file.toString('utf8'));
    expect(records.length - 1).toBe(expected.length);
    expect(records.slice(1).map((record) => record.join('|'))).toEqual(
      expected.map((row) =>
        Object.values(row)
          .map((value) => value ?? '')
          .join('|'),
      ),
    );
  });

  it('refuses a bad request with 400 and a stable code, recording and queuing nothing', async () => {
    const before = await exportCount();
    const cases: [object, string][] = [
      [{ format: 'csv', query: { ...QUERY, measures: ['ggr', "x') UNION SELECT 1 --"] } }, 'REPORT_MEASURE_UNKNOWN'],
      [
        { format: 'csv', query: QUERY, report: 'ukgc_quarterly_return', dateRange: QUERY.dateRange },
        'REPORT_EXPORT_REQUEST_INVALID',
      ],
      [{ format: 'csv', report: 'ukgc_quarterly_return' }, 'REPORT_EXPORT_REQUEST_INVALID'],
      [{ format: 'csv' }, 'REPORT_EXPORT_REQUEST_INVALID'],
      [{ format: 'pdf', query: QUERY }, 'VALIDATION_FAILED'],
      [{ format: 'csv', query: { ...QUERY, dimensions: ['currency'] }, extra: 1 }, 'VALIDATION_FAILED'],
    ];
    const outcomes = [];
    for (const [payload] of cases) {
      const response = await requestExport(payload);
      outcomes.push([response.statusCode, response.json<{ error: { code: string } }>().error.code]);
    }
    expect(outcomes).toEqual(cases.map(([, code]) => [400, code]));
    const unknown = await requestExport({ format: 'csv', report: 'no_such_report', dateRange: QUERY.dateRange });
    expect(unknown.statusCode).toBe(404);
    expect(await exportCount()).toBe(before);
  });

  it('answers retries with the same Idempotency-Key with one export, audited and queued once', async () => {
    const before = await exportCount();
    const send = (payload: object, key: string, who: SignedIn = finance) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/reports/exports',
        headers: { ...bearer(who.accessToken), 'idempotency-key': key },
        payload,
      });
    const payload = { format: 'csv', query: QUERY };
    const answers = await Promise.all([1, 2, 3].map(() => send(payload, 'export-retry-1')));
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202, 202]);
    const ids = new Set(answers.map((answer) => answer.json<{ id: string }>().id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(await exportCount()).toBe(before + 1);
    const audits = (await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.export.request' AND target_id = $1`, [
        id,
      ])) as { n: number }[];
    expect(audits[0]?.n).toBe(1);
    await eventually(async () => {
      const status = await app.inject({
        method: 'GET',
        url: `/api/v1/reports/exports/${id}`,
        headers: bearer(finance.accessToken),
      });
      return status.json<StatusBody>().state === 'succeeded';
    }, 30_000);

    const reused = await send({ format: 'xlsx', query: QUERY }, 'export-retry-1');
    expect([reused.statusCode, reused.json<{ error: { code: string } }>().error.code]).toEqual([
      409,
      'IDEMPOTENCY_KEY_REUSED',
    ]);
    const tooLong = await send(payload, 'k'.repeat(201));
    expect([tooLong.statusCode, tooLong.json<{ error: { code: string } }>().error.code]).toEqual([
      400,
      'VALIDATION_FAILED',
    ]);
    const admin = await signInAsStaff(app, adminEmail, 'admin');
    const another = await send(payload, 'export-retry-1', admin);
    expect(another.statusCode).toBe(202);
    expect(another.json<{ id: string }>().id).not.toBe(id);
    expect(await exportCount()).toBe(before + 2);
  });

  it('refuses a role without reports.export', async () => {
    const response = await requestExport({ format: 'csv', query: QUERY }, support);
    expect([response.statusCode, response.json<{ error: { code: string } }>().error.code]).toEqual([403, 'FORBIDDEN']);
  });

  async function exportCount(): Promise<number> {
    const rows = (await app.get(DataSource).query('SELECT count(*)::int AS n FROM report_exports')) as { n: number }[];
    return rows[0]?.n ?? 0;
  }
});
