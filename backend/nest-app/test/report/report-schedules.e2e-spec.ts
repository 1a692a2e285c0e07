import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { eventually } from '@casino/platform/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { readCsv } from '../../../worker-etl/test/support/csv-reader';
import { UsersService } from '../../src/modules/user';
import {
  REPORT_SCHEDULES_QUEUE,
  RUN_SCHEDULE_JOB,
  schedulerIdOf,
} from '../../src/modules/report/schedules/report-schedule.queue';
import { ReportSchedulesService, type ScheduleRun } from '../../src/modules/report/schedules/report-schedules.service';
import { bearer, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { exportWorker } from './export-worker';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { mailsTo } from '../support/user-test-queues';
import { insertTransactions } from './report-seed';

interface ScheduleBody {
  id: string;
  cron: string;
  paused: boolean;
  recipients: string[];
}

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const QUERY = { measures: ['ggr', 'bets_count'], dimensions: ['day', 'currency'] };

describe('scheduled reports: schedules, firings, mailed links (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  const recipient = uniqueEmail('finance-team');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clickhouse: ClickHouseClient;
  let directory: string;
  let finance: SignedIn;
  let support: SignedIn;
  let queue: Queue;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'nest-report-schedules-'));
    environment = await createTestEnvironment('reportschedules', {
      ADMIN_EMAIL: adminEmail,
      REPORT_EXPORT_DIR: directory,
      REPORT_SCHEDULE_RECIPIENT_DOMAINS: 'example.test',
    });
    const { config } = environment;
    const worker = exportWorker(config, directory);
    app = await startTestApp(config, [worker]);
    queue = app.get<Queue>(getQueueToken(REPORT_SCHEDULES_QUEUE));
    clickhouse = createClient({ url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE });
    const player = { user: 'player-s', currency: 'EUR', country: 'DE', provider: 'hub88', game: 'slot-1' };
    await insertTransactions(clickhouse, [
      { at: `${yesterday}T12:00:00Z`, type: 'bet', ...player, cash: -900 },
      { at: `${yesterday}T12:01:00Z`, type: 'win', ...player, cash: 250 },
    ]);
    finance = await signInAsStaff(app, adminEmail, 'finance');
    support = await signInAsStaff(app, adminEmail, 'support');
  });

  afterAll(async () => {
    await clickhouse?.close();
    await app?.close();
    await environment?.dispose();
    await rm(directory, { recursive: true, force: true });
  });

  const create = (payload: object, who: SignedIn = finance) =>
    app.inject({ method: 'POST', url: '/api/v1/reports/schedules', headers: bearer(who.accessToken), payload });
  const change = (id: string, action: 'pause' | 'resume') =>
    app.inject({
      method: 'POST',
      url: `/api/v1/reports/schedules/${id}/${action}`,
      headers: bearer(finance.accessToken),
    });
  const schedulerIds = async () => (await queue.getJobSchedulers()).map((scheduler) => scheduler.key);
  const daily = (overrides: object = {}) => ({
    name: 'Daily GGR',
    cron: '0 7 * * *',
    timeZone: 'UTC',
    period: 'previous_day',
    query: QUERY,
    format: 'csv',
    recipients: [recipient],
    ...overrides,
  });

  async function auditActions(id: string): Promise<string[]> {
    const rows = (await app
      .get(DataSource)
      .query(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY occurred_at, id`, [id])) as {
      action: string;
    }[];
    return rows.map((row) => row.action);
  }

  it('creates a schedule with its job scheduler, and mails a run its file, which equals the query', async () => {
    const created = await create(daily());
    expect(created.statusCode).toBe(201);
    const schedule = created.json<ScheduleBody>();
    expect(schedule).toMatchObject({ cron: '0 7 * * *', paused: false, recipients: [recipient] });
    const scheduler = (await queue.getJobSchedulers()).find((entry) => entry.key === schedulerIdOf(schedule.id));
    expect(scheduler).toMatchObject({ pattern: '0 7 * * *', tz: 'UTC' });

    const run = await app.get(ReportSchedulesService).run(schedule.id);
    expect(run).toMatchObject({ outcome: 'exported', dateRange: { from: yesterday, to: yesterday } });
    const [mail] = await mailsTo(recipient);
    expect(mail?.subject).toBe(`Report "Daily GGR": ${yesterday}`);
    const link = /http:\/\/gateway\.test(\/api\/v1\/reports\/exports\/\S+)/.exec(mail?.text ?? '')?.[1];
    const download = await app.inject({ method: 'GET', url: link ?? '' });
    expect(download.statusCode).toBe(200);
    const queried = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/query',
      headers: bearer(finance.accessToken),
      payload: { ...QUERY, timeZone: 'UTC', dateRange: { from: yesterday, to: yesterday } },
    });
    const rows = queried.json<{ rows: Record<string, string>[] }>().rows;
    expect(rows).toEqual([{ day: yesterday, currency: 'EUR', bets_count: '1', ggr: '650' }]);
    expect(readCsv(download.body).slice(1)).toEqual([['EUR', yesterday, '1', '650']]);
    expect(await auditActions(schedule.id)).toEqual(['report.schedule.create']);
  });

  it('makes a repeated firing of the same period (the second through the queue) the same export: one row, one mail', async () => {
    const schedule = (await create(daily({ name: 'Twice' }))).json<ScheduleBody>();
    const first = await app.get(ReportSchedulesService).run(schedule.id);
    const job = await queue.add(RUN_SCHEDULE_JOB, { scheduleId: schedule.id });
    await eventually(async () => (await job.getState()) === 'completed', 15_000);
    const second = ((await queue.getJob(job.id ?? '')) as Job<unknown, ScheduleRun>).returnvalue;
    expect(first.outcome === 'exported' && second.outcome === 'exported').toBe(true);
    if (first.outcome !== 'exported' || second.outcome !== 'exported') return;
    expect(second.exportId).toBe(first.exportId);
    const rows = (await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM report_exports WHERE id = $1`, [first.exportId])) as { n: number }[];
    expect(rows[0]?.n).toBe(1);
    const mails = await mailsTo(recipient);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const late = await fetch(`${process.env.MAILDEV_API ?? 'http://127.0.0.1:1080'}/email`).then(
      (response) => response.json() as Promise<{ to: { address: string }[] }[]>,
    );
    expect(mails.length + late.filter((mail) => mail.to.some((to) => to.address === recipient)).length).toBe(1);
  });

  it('pauses (no run, no scheduler), resumes and deletes a schedule, each audited', async () => {
    const schedule = (await create(daily({ name: 'Paused' }))).json<ScheduleBody>();
    const service = app.get(ReportSchedulesService);
    expect((await change(schedule.id, 'pause')).statusCode).toBe(200);
    expect(await schedulerIds()).not.toContain(schedulerIdOf(schedule.id));
    expect(await service.run(schedule.id)).toEqual({ outcome: 'skipped', reason: 'paused' });
    const again = await change(schedule.id, 'pause');
    expect([again.statusCode, again.json<{ error: { code: string } }>().error.code]).toEqual([
      409,
      'REPORT_SCHEDULE_UNCHANGED',
    ]);
    expect((await change(schedule.id, 'resume')).json<ScheduleBody>().paused).toBe(false);
    expect(await schedulerIds()).toContain(schedulerIdOf(schedule.id));
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/v1/reports/schedules/${schedule.id}`,
      headers: bearer(finance.accessToken),
    });
    expect(deleted.statusCode).toBe(204);
    expect(await schedulerIds()).not.toContain(schedulerIdOf(schedule.id));
    expect(await service.run(schedule.id)).toEqual({ outcome: 'skipped', reason: 'missing' });
    expect(await auditActions(schedule.id)).toEqual([
      'report.schedule.create',
      'report.schedule.pause',
      'report.schedule.resume',
      'report.schedule.delete',
    ]);
  });

  it('does not run a schedule whose owner lost the permission to export', async () => {
    const owner = await signInAsStaff(app, adminEmail, 'finance');
    const schedule = (await create(daily({ name: 'Owner gone' }), owner)).json<ScheduleBody>();
    await app.get(UsersService).revokeRole(owner.userId, 'finance');
    expect(await app.get(ReportSchedulesService).run(schedule.id)).toEqual({
      outcome: 'skipped',
      reason: 'owner_not_permitted',
    });
    expect(await auditActions(schedule.id)).toEqual(['report.schedule.create', 'report.schedule.skip']);
  });

  it('refuses bad schedules with 400 and a stable code, creating nothing', async () => {
    const before = (await app.get(ReportSchedulesService).list()).length;
    const schedulers = (await schedulerIds()).length;
    const cases: [object, string][] = [
      [daily({ cron: '*/5 * * * *' }), 'REPORT_SCHEDULE_TOO_FREQUENT'],
      [daily({ cron: 'every day' }), 'REPORT_SCHEDULE_CRON_INVALID'],
      [daily({ recipients: ['someone@evil.test'] }), 'REPORT_SCHEDULE_RECIPIENT_REFUSED'],
      [daily({ query: { measures: ["ggr' --"], dimensions: ['day'] } }), 'REPORT_MEASURE_UNKNOWN'],
      [daily({ query: { measures: ['ggr'], dimensions: ['day'] } }), 'REPORT_CURRENCY_REQUIRED'],
      [daily({ timeZone: 'Mars/Olympus' }), 'REPORT_TIME_ZONE_INVALID'],
      [daily({ period: 'tomorrow' }), 'VALIDATION_FAILED'],
      [daily({ report: 'ukgc_quarterly_return' }), 'REPORT_EXPORT_REQUEST_INVALID'],
    ];
    const outcomes = [];
    for (const [payload] of cases) {
      const response = await create(payload);
      outcomes.push([response.statusCode, response.json<{ error: { code: string } }>().error.code]);
    }
    expect(outcomes).toEqual(cases.map(([, code]) => [400, code]));
    expect((await app.get(ReportSchedulesService).list()).length).toBe(before);
    expect((await schedulerIds()).length).toBe(schedulers);
    const denied = await create(daily(), support);
    expect([denied.statusCode, denied.json<{ error: { code: string } }>().error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('rebuilds the job schedulers from the table at start: a lost one is back, a stray one is gone', async () => {
    const schedule = (await create(daily({ name: 'Lost scheduler' }))).json<ScheduleBody>();
    await queue.removeJobScheduler(schedulerIdOf(schedule.id));
    await queue.upsertJobScheduler(schedulerIdOf('00000000-0000-4000-8000-000000000000'), { pattern: '0 1 * * *' });
    await app.get(ReportSchedulesService).reconcileSchedulers();
    const ids = await schedulerIds();
    expect(ids).toContain(schedulerIdOf(schedule.id));
    expect(ids).not.toContain(schedulerIdOf('00000000-0000-4000-8000-000000000000'));
  });
});
