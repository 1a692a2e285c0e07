import { eventually } from '@casino/platform/testing';
import { SignedLinks } from '@casino/platform';
import { createClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ReportExportsService } from '../../src/modules/report/exports';

import { bearer, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { exportWorker } from './export-worker';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

interface StatusBody {
  id: string;
  format: string;
  description: string;
  state: string;
  rows: string | null;
  bytes: string | null;
  failureCode: string | null;
  download: { url: string; expiresAt: string } | null;
}

interface ErrorBody {
  error: { code: string };
}

const COLUMNS = [
  { name: 'player', label: 'Player', type: 'string' as const },
  { name: 'amount', label: 'Amount', type: 'money' as const },
];
const ORIGIN = { ip: '203.0.113.7', userAgent: 'report-exports-e2e', requestId: 'req-1' };

describe('report exports: status and signed downloads (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let directory: string;
  let finance: SignedIn;
  let otherFinance: SignedIn;
  let compliance: SignedIn;
  let support: SignedIn;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'nest-report-exports-'));
    environment = await createTestEnvironment('reportexports', {
      ADMIN_EMAIL: adminEmail,
      REPORT_EXPORT_DIR: directory,
    });
    const { config } = environment;
    const clickhouse = createClient({ url: config.CLICKHOUSE_URL });
    await clickhouse.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.CLICKHOUSE_DATABASE}` });
    await clickhouse.close();
    const worker = exportWorker(config, directory);
    app = await startTestApp(config, [worker]);
    finance = await signInAsStaff(app, adminEmail, 'finance');
    otherFinance = await signInAsStaff(app, adminEmail, 'finance');
    compliance = await signInAsStaff(app, adminEmail, 'compliance');
    support = await signInAsStaff(app, adminEmail, 'support');
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await rm(directory, { recursive: true, force: true });
  });

  function requestExport(who: SignedIn, sql: string, roles: ('finance' | 'compliance')[] = ['finance']) {
    return app.get(ReportExportsService).request({
      sql,
      columns: COLUMNS,
      format: 'csv',
      requestedBy: { userId: who.userId, roles, sessionId: 'e2e' },
      origin: ORIGIN,
      description: 'Players by amount (e2e)',
      personalData: true,
    });
  }

  const status = (id: string, who: SignedIn) =>
    app.inject({ method: 'GET', url: `/api/v1/reports/exports/${id}`, headers: bearer(who.accessToken) });

  async function settled(id: string, who: SignedIn = finance): Promise<StatusBody> {
    let body: StatusBody | undefined;
    await eventually(async () => {
      body = (await status(id, who)).json<StatusBody>();
      return body.state === 'succeeded' || body.state === 'failed';
    }, 20_000);
    if (!body) throw new Error('no status');
    return body;
  }

  async function auditActions(id: string): Promise<{ action: string; actor_id: string | null }[]> {
    return (await app
      .get(DataSource)
      .query(`SELECT action, actor_id FROM audit_log WHERE target_id = $1 ORDER BY occurred_at`, [id])) as {
      action: string;
      actor_id: string | null;
    }[];
  }

  const GOOD_SQL = `SELECT concat('p', toString(number)) AS player, toInt64(number) * 4611686018427387 AS amount
    FROM system.numbers LIMIT 3`;

  it('runs a requested export to success, and streams it through its signed link, audited', async () => {
    const id = await requestExport(finance, GOOD_SQL);
    const body = await settled(id);
    expect(body).toMatchObject({ id, format: 'csv', state: 'succeeded', rows: '3', failureCode: null });
    expect(Number(body.bytes)).toBeGreaterThan(0);
    expect(Date.parse(body.download?.expiresAt ?? '') - Date.now()).toBeGreaterThan(850_000);

    const download = await app.inject({ method: 'GET', url: body.download?.url ?? '' });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="report-export-${id}.csv"`);
    expect(download.body).toBe('Player,Amount\r\np0,0\r\np1,4611686018427387\r\np2,9223372036854774\r\n');
    expect(await auditActions(id)).toEqual([
      { action: 'report.export.request', actor_id: finance.userId },
      { action: 'report.export.download', actor_id: null },
    ]);
  });

  it('refuses a tampered, moved, missing or expired link with 403 and a stable code, auditing nothing', async () => {
    const id = await requestExport(finance, GOOD_SQL);
    const { download } = await settled(id);
    const url = new URL(download?.url ?? '', 'http://app.test');
    const signature = url.searchParams.get('signature') ?? '';
    const expires = url.searchParams.get('expires') ?? '';
    const other = await requestExport(finance, GOOD_SQL);
    const tampered = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const attempts = [
      `/api/v1/reports/exports/${id}/download?expires=${expires}&signature=${tampered}`,
      `/api/v1/reports/exports/${id}/download?expires=${Number(expires) + 3600}&signature=${signature}`,
      `/api/v1/reports/exports/${other}/download?expires=${expires}&signature=${signature}`,
      `/api/v1/reports/exports/${id}/download`,
    ];
    for (const attempt of attempts) {
      const response = await app.inject({ method: 'GET', url: attempt });
      expect([attempt, response.statusCode, response.json<ErrorBody>().error.code]).toEqual([
        attempt,
        403,
        'REPORT_EXPORT_LINK_INVALID',
      ]);
    }
    // Signed with the app's key, but its time is over.
    const past = Math.floor(Date.now() / 1000) - 1;
    const stale = new SignedLinks(environment.config.REPORT_EXPORT_LINK_SECRET).sign(id, past);
    const expired = await app.inject({
      method: 'GET',
      url: `/api/v1/reports/exports/${id}/download?expires=${stale.expires}&signature=${stale.signature}`,
    });
    expect([expired.statusCode, expired.json<ErrorBody>().error.code]).toEqual([403, 'REPORT_EXPORT_LINK_EXPIRED']);
    expect((await auditActions(id)).map((row) => row.action)).toEqual(['report.export.request']);
  });

  it('shows an export only to the staff member who requested it', async () => {
    const id = await requestExport(finance, GOOD_SQL);
    await settled(id);
    for (const who of [otherFinance, compliance]) {
      const response = await status(id, who);
      expect([response.statusCode, response.json<ErrorBody>().error.code]).toEqual([404, 'REPORT_EXPORT_NOT_FOUND']);
    }
    const own = await requestExport(compliance, GOOD_SQL, ['compliance']);
    expect((await settled(own, compliance)).state).toBe('succeeded');
  });

  it('refuses the status route to a role without reports.export', async () => {
    const id = await requestExport(finance, GOOD_SQL);
    const response = await status(id, support);
    expect([response.statusCode, response.json<ErrorBody>().error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('reports a failed export with its code and no link; a signed link to it finds no file', async () => {
    const id = await requestExport(finance, 'SELECT player, amount FROM no_such_table');
    const body = await settled(id);
    expect(body).toMatchObject({ state: 'failed', failureCode: 'REPORT_EXPORT_QUERY_REFUSED', download: null });
    const link = new SignedLinks(environment.config.REPORT_EXPORT_LINK_SECRET).sign(id, 4_000_000_000);
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/reports/exports/${id}/download?expires=${link.expires}&signature=${link.signature}`,
    });
    expect([response.statusCode, response.json<ErrorBody>().error.code]).toEqual([409, 'REPORT_EXPORT_NOT_READY']);
    expect((await readdir(join(directory, 'exports'))).filter((name) => name.startsWith(id))).toEqual([]);
  });
});
