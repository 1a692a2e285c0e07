import {
  QUEUES,
  REPORT_JOBS,
  type ExportReportJobV1,
  type ExportReportResultV1,
  type ReportExportColumnV1,
  type ReportExportFormat,
} from '@casino/contracts';
import { disposeIsolatedResources, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import { createClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, QueueEvents } from 'bullmq';
import ExcelJS from 'exceljs';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkerApp } from '../src/bootstrap';
import { loadWorkerConfig } from '../src/config/load-worker-config';
import { readCsv } from './support/csv-reader';

const COLUMNS: ReportExportColumnV1[] = [
  { name: 'player', label: 'Player', type: 'string' },
  { name: 'amount', label: 'Amount (minor units)', type: 'money' },
  { name: 'bets', label: '=Bets', type: 'integer' },
  { name: 'rate', label: 'Rate', type: 'decimal' },
  { name: 'day', label: 'Day', type: 'date' },
  { name: 'at', label: 'At (UTC)', type: 'datetime' },
];

/** The table's rows as ClickHouse holds them (text of each value), in `ORDER BY n`. */
const ROWS: (string | null)[][] = [
  ['plain', '9007199254740993', '9223372036854775807', '12.3456', '2026-03-29', '2026-03-29T01:30:00Z'],
  ['say "hi", then\nleave', '-9223372036854775807', '0', '-0.0001', '1999-12-31', '1970-01-01T00:00:00Z'],
  ['=HYPERLINK("http://x.test","click")', '-500', '42', '0.0000', '2026-12-31', '2026-12-31T23:59:59Z'],
  ['+1', '1', '1', '1.0000', '2026-01-01', '2026-01-01T00:00:01Z'],
  ['-2', '2', '2', '2.0000', '2026-01-02', '2026-01-02T00:00:02Z'],
  ['@SUM(A1)', '3', '3', '3.0000', '2026-01-03', '2026-01-03T00:00:03Z'],
  ['\tcmd', '4', '4', '4.0000', '2026-01-04', '2026-01-04T00:00:04Z'],
  ['\rcmd', '5', '5', '5.0000', '2026-01-05', '2026-01-05T00:00:05Z'],
  [null, '6', '6', '6.0000', '2026-01-06', '2026-01-06T00:00:06Z'],
];

/** What a spreadsheet must see in a text cell: formula-looking text behind an apostrophe. */
function escaped(value: string | null): string | null {
  return value !== null && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const EXPECTED_HEADER = ['Player', 'Amount (minor units)', "'=Bets", 'Rate', 'Day', 'At (UTC)'];
const EXPECTED_ROWS = ROWS.map(([player, ...rest]) => [escaped(player ?? null), ...rest]);

function literal(value: string | null): string {
  return value === null ? 'NULL' : `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

describe('worker-etl report exports (e2e)', () => {
  const id = uniqueTestId('reportexports');
  let directory: string;
  let app: NestFastifyApplication;
  let queue: Queue<ExportReportJobV1, ExportReportResultV1>;
  let events: QueueEvents;
  const settings = isolatedSettings(id);
  const config = loadWorkerConfig(settings);
  const clickhouse = createClient({ url: config.CLICKHOUSE_URL });

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'report-exports-'));
    const worker = loadWorkerConfig({
      ...settings,
      REPORT_EXPORT_DIR: directory,
      WALLET_ENTRIES_LOADER_ENABLED: 'false',
      REPORT_EXPORT_MAX_EXECUTION_SECONDS: '2',
    });
    await clickhouse.command({ query: `CREATE DATABASE ${id}` });
    await clickhouse.command({
      query: `CREATE TABLE ${id}.export_rows (n UInt32, player Nullable(String), amount Int64, bets UInt64,
              rate Decimal64(4), day Date, at DateTime('UTC')) ENGINE = MergeTree ORDER BY n`,
    });
    const values = ROWS.map(
      ([player, amount, bets, rate, day, at], n) =>
        `(${n}, ${literal(player ?? null)}, ${amount}, ${bets}, toDecimal64('${rate}', 4), '${day}', '${(at ?? '').replace('T', ' ').replace('Z', '')}')`,
    );
    await clickhouse.command({ query: `INSERT INTO ${id}.export_rows VALUES ${values.join(', ')}` });
    app = await createWorkerApp(worker);
    await app.init();
    const connection = { url: config.REDIS_URL, maxRetriesPerRequest: null };
    queue = new Queue(QUEUES.REPORTS, { connection, prefix: config.QUEUE_PREFIX });
    events = new QueueEvents(QUEUES.REPORTS, { connection, prefix: config.QUEUE_PREFIX });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await events?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await app?.close();
    await clickhouse.close();
    await disposeIsolatedResources(id, config);
    await rm(directory, { recursive: true, force: true });
  });

  const tableSql = () => `SELECT player, amount, bets, rate, day, at FROM ${id}.export_rows ORDER BY n`;

  async function runExport(format: ReportExportFormat, sql = tableSql(), exportId = randomUUID()) {
    const job = await queue.add(
      REPORT_JOBS.EXPORT_REPORT,
      { exportId, requestedBy: randomUUID(), format, sql, columns: COLUMNS },
      { jobId: exportId, attempts: 3, backoff: { type: 'fixed', delay: 100 } },
    );
    const result = await job.waitUntilFinished(events, 30_000);
    return { exportId, result, path: join(directory, 'exports', `${exportId}.${format}`) };
  }

  it('writes a CSV that an RFC 4180 reader reads back as the query rows, exact and escaped', async () => {
    const { result, path } = await runExport('csv');
    const records = readCsv(await readFile(path, 'utf8'));
    expect(records[0]).toEqual(EXPECTED_HEADER);
    expect(records.slice(1)).toEqual(EXPECTED_ROWS.map((row) => row.map((value) => value ?? '')));
    expect(result).toEqual({ key: expect.stringMatching(/^exports\/.+\.csv$/), rows: '9', bytes: expect.any(String) });
  });

  it('writes an XLSX that exceljs reads back as the query rows: money as exact text, no formula', async () => {
    const { path } = await runExport('xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('Export');
    const read: unknown[][] = [];
    sheet?.eachRow({ includeEmpty: false }, (row) => {
      read.push(COLUMNS.map((_column, index) => row.getCell(index + 1).value));
    });
    expect(read[0]).toEqual(EXPECTED_HEADER);
    const cells = read.slice(1);
    // XML readers turn a carriage return into a line feed (XML 1.0 end-of-line handling); the apostrophe stays.
    const asText = (value: unknown) => (value === null ? null : String(value).replaceAll('\r', '\n'));
    expect(cells.map((row) => row.map(asText))).toEqual(EXPECTED_ROWS.map((row) => row.map(asText)));
    // Minor units beyond 2^53 stay text; an integer a double holds exactly is a number cell.
    expect(cells[0]?.[1]).toBe('9007199254740993');
    expect(cells[2]?.[2]).toBe(42);
    expect(cells.flat().some((value) => typeof value === 'object' && value !== null)).toBe(false);
  });

  it('writes a Parquet file that hyparquet reads back: money as INT64, exact beyond 2^53', async () => {
    const { path } = await runExport('parquet');
    const bytes = await readFile(path);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(rows.map((row) => COLUMNS.map((column) => row[column.name]))).toEqual(
      ROWS.map(([player, amount, bets, rate, day, at]) => [
        player,
        BigInt(amount ?? ''),
        BigInt(bets ?? ''),
        rate,
        new Date(`${day}T00:00:00Z`),
        new Date(at ?? ''),
      ]),
    );
    const schema = parquetMetadata(file).schema;
    expect(schema.find((element) => element.name === 'amount')?.type).toBe('INT64');
    expect(schema.find((element) => element.name === 'player')?.converted_type).toBe('UTF8');
  });

  it('writes a large Parquet export in row groups, one at a time', async () => {
    const sql = `SELECT toString(number) AS player, toInt64(number) * 1000 AS amount, number AS bets,
      toDecimal64(number, 4) AS rate, toDate('2026-01-01') AS day, toDateTime('2026-01-01 00:00:00', 'UTC') AS at
      FROM system.numbers LIMIT 12000`;
    const { result, path } = await runExport('parquet', sql);
    expect(result.rows).toBe('12000');
    const bytes = await readFile(path);
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([5000, 5000, 2000]);
  });

  it('counts one job for a duplicate enqueue, and leaves one file when the export runs twice', async () => {
    const exportId = randomUUID();
    const first = await runExport('csv', tableSql(), exportId);
    const again = await queue.add(
      REPORT_JOBS.EXPORT_REPORT,
      { exportId, requestedBy: randomUUID(), format: 'csv', sql: tableSql(), columns: COLUMNS },
      { jobId: exportId },
    );
    expect(await again.getState()).toBe('completed');
    const content = await readFile(first.path, 'utf8');
    await queue.remove(exportId);
    await runExport('csv', tableSql(), exportId);
    const files = (await readdir(join(directory, 'exports'))).filter((name) => name.startsWith(exportId));
    expect(files).toEqual([`${exportId}.csv`]);
    expect(await readFile(first.path, 'utf8')).toBe(content);
  });

  it('fails a bad query at once with a stable code, without the SQL, and leaves no file', async () => {
    const exportId = randomUUID();
    const secret = 'no_such_table_name_42';
    await expect(runExport('xlsx', `SELECT * FROM ${secret}`, exportId)).rejects.toThrow(
      'REPORT_EXPORT_QUERY_REFUSED: ClickHouse refused the export query',
    );
    const job = await queue.getJob(exportId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).not.toContain(secret);
    expect((job?.stacktrace ?? []).join('\n')).not.toContain(secret);
    const files = (await readdir(join(directory, 'exports'))).filter((name) => name.startsWith(exportId));
    expect(files).toEqual([]);
  });

  it('stops a query at max_execution_time with REPORT_EXPORT_QUERY_TIMEOUT, not retried', async () => {
    const exportId = randomUUID();
    const job = await queue.add(
      REPORT_JOBS.EXPORT_REPORT,
      {
        exportId,
        requestedBy: randomUUID(),
        format: 'csv',
        sql: 'SELECT count() AS c FROM system.numbers WHERE sleepEachRow(0) = 0 AND number < 1000000000000',
        columns: [{ name: 'c', label: 'Count', type: 'integer' }],
      },
      { jobId: exportId, attempts: 3 },
    );
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow('REPORT_EXPORT_QUERY_TIMEOUT');
    expect((await queue.getJob(exportId))?.attemptsMade).toBe(1);
  });

  it('fails a malformed job with REPORT_EXPORT_JOB_INVALID', async () => {
    const exportId = randomUUID();
    const job = await queue.add(
      REPORT_JOBS.EXPORT_REPORT,
      {
        exportId,
        requestedBy: 'x',
        format: 'csv',
        sql: tableSql(),
        columns: [{ name: 'a b', label: 'A', type: 'string' }],
      },
      { jobId: exportId },
    );
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow('REPORT_EXPORT_JOB_INVALID');
  });
});
