import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AppConfig } from '../../../backend/nest-app/src/config/app-config';
import { exportWorker } from '../../../backend/nest-app/test/report/export-worker';
import { insertGames, insertTransactions, SEED } from '../../../backend/nest-app/test/report/report-seed';
import { readCsv } from '../../../backend/worker-etl/test/support/csv-reader';
import type { ReportResult, ReportRow } from '../src/api/types';
import { formatMinor } from '../src/common/money';
import { BackofficeUi } from './support/backoffice-ui';
import { openBrowser, screenshot, type StaffBrowser } from './support/browser';
import { startPlatform, type RunningPlatform } from './support/platform';
import { enrolStaff, type StaffTeam } from './support/staff';

jest.setTimeout(240_000);

/** GGR by day and currency over November 2026 in Berlin: the query finance builds on the screen. */
const GGR_BY_DAY = {
  measures: ['ggr'],
  dimensions: ['day', 'currency'],
  filters: [],
  timeZone: 'Europe/Berlin',
  dateRange: { from: '2026-11-01', to: '2026-11-30' },
};

/** What a table row shows: its cells' text, in the screen's column order. */
async function tableRows(page: Page, testId: string): Promise<string[][]> {
  const rows = await page.getByTestId(testId).all();
  return Promise.all(rows.map((row) => row.locator('td').allTextContents()));
}

/** The API's rows as the screen must show them: currency, day (the API's sorted order), GGR in major units. */
const shown = (rows: ReportRow[], label?: string): string[][] =>
  rows.map((row) => [row.currency ?? '', label ?? row.day ?? '', formatMinor(row.ggr ?? '', row.currency ?? '')]);

function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}

/**
 * The report runner in the browser: finance runs GGR by day and exports it as CSV, the admin a saved report; support
 * has no reports.
 */
describe('back office: reports and exports (Chromium, e2e)', () => {
  let platform: RunningPlatform;
  let staff: StaffTeam;
  let clickhouse: ClickHouseClient;
  const directory = mkdtempSync(join(tmpdir(), 'backoffice-report-exports-'));
  const browsers: StaffBrowser[] = [];

  async function browserFor(): Promise<BackofficeUi> {
    const browser = await openBrowser();
    browsers.push(browser);
    return new BackofficeUi(browser.page, platform.backofficeUrl);
  }

  /** Clicks Run report and returns the API's answer the page received. */
  async function run(ui: BackofficeUi, route: string): Promise<{ status: number; body: unknown }> {
    const [response] = await Promise.all([
      ui.page.waitForResponse(
        (candidate) => candidate.url().endsWith(`/api/v1/reports/${route}`) && candidate.request().method() === 'POST',
      ),
      ui.page.getByRole('button', { name: 'Run report' }).click(),
    ]);
    return { status: response.status(), body: await response.json() };
  }

  async function choose(ui: BackofficeUi, select: string, option: string | RegExp): Promise<void> {
    await ui.page.getByRole('combobox', { name: select }).click();
    await ui.page.getByRole('option', { name: option }).click();
  }

  beforeAll(async () => {
    platform = await startPlatform('backoffice_reports', { REPORT_EXPORT_DIR: directory }, (config) => [
      exportWorker(config, directory),
    ]);
    const config = platform.app.get(AppConfig);
    clickhouse = createClient({ url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE });
    await insertGames(clickhouse);
    await insertTransactions(clickhouse, SEED);
    staff = await enrolStaff(platform.app, platform.adminEmail, ['finance', 'support']);
  });

  afterAll(async () => {
    for (const [index, browser] of browsers.entries()) {
      await screenshot(browser.page, `reports-last-${index}`).catch(() => undefined);
      await browser.close();
    }
    await clickhouse?.close();
    await platform?.dispose();
    rmSync(directory, { recursive: true, force: true });
  });

  it('finance runs GGR by day for November, sees the API totals, exports them as CSV and downloads the rows', async () => {
    const finance = await browserFor();
    await finance.signIn(staff.members.finance!);
    await finance.openMenu('Reports');
    await finance.page.getByTestId('report-runner').waitFor();

    await finance.page.locator('input[name="from"]').fill(GGR_BY_DAY.dateRange.from);
    await finance.page.locator('input[name="to"]').fill(GGR_BY_DAY.dateRange.to);
    await finance.page.locator('input[name="timeZone"]').fill(GGR_BY_DAY.timeZone);
    await finance.page.getByRole('checkbox', { name: 'GGR', exact: true }).check();
    await finance.page.getByRole('checkbox', { name: 'Day', exact: true }).check();
    await finance.page.getByRole('checkbox', { name: 'Currency (ISO 4217)', exact: true }).check();

    const answered = await run(finance, 'query');
    expect(answered.status).toBe(200);
    const result = answered.body as ReportResult;
    // The same query asked of the API directly answers the same figures; the seed's: EUR 12.00, GBP 16.00.
    const direct = await finance.apiCall('/reports/query', GGR_BY_DAY);
    expect((direct.body as ReportResult).rows).toEqual(result.rows);
    expect((direct.body as ReportResult).totals).toEqual(result.totals);
    expect(result.cached).toBe(false);
    expect(result.totals).toEqual([
      { currency: 'EUR', ggr: '1200' },
      { currency: 'GBP', ggr: '1600' },
    ]);
    expect(result.rows.length).toBeGreaterThan(1);

    await finance.page.getByTestId('report-total').first().waitFor();
    expect(await tableRows(finance.page, 'report-row')).toEqual(shown(result.rows));
    expect(await tableRows(finance.page, 'report-total')).toEqual([
      ['EUR', 'Total', '12.00 EUR'],
      ['GBP', 'Total', '16.00 GBP'],
    ]);
    // November's days are closed once December is two days old (the seed's dates are fixed, the clock is not).
    expect(await finance.page.getByTestId('report-provisional').count()).toBe(result.provisional ? 1 : 0);

    // Asked again, the answer comes from the cache, and the screen says so.
    const again = await run(finance, 'query');
    expect(again.body).toMatchObject({ cached: true, totals: result.totals });
    await finance.page.getByTestId('report-cached').waitFor();
    expect(await tableRows(finance.page, 'report-row')).toEqual(shown(result.rows));

    await choose(finance, 'Export format', 'CSV');
    const [accepted] = await Promise.all([
      finance.page.waitForResponse(
        (candidate) => candidate.url().endsWith('/api/v1/reports/exports') && candidate.request().method() === 'POST',
      ),
      finance.page.getByRole('button', { name: 'Request export' }).click(),
    ]);
    expect(accepted.status()).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const line = finance.page.locator(`[data-export-id="${id}"]`);
    // Polled until the worker has written the file; then its link is offered.
    await line.getByTestId('export-state').filter({ hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
    await line.getByText(`${result.rows.length} rows`).waitFor();
    await screenshot(finance.page, 'reports');

    const [download] = await Promise.all([
      finance.page.waitForEvent('download'),
      line.getByRole('link', { name: 'Download' }).click(),
    ]);
    const records = readCsv(await readFile(await download.path(), 'utf8'));
    expect(records[0]).toEqual(['Currency (ISO 4217)', 'Day', 'GGR']);
    expect(records.slice(1)).toEqual(result.rows.map((row) => [row.currency, row.day, row.ggr]));
  });

  it('the admin runs a saved report reaching today: provisional; a query the API refuses shows its message and code', async () => {
    const admin = await browserFor();
    // Each address gets one sign-in code a minute: the admin, not finance again.
    await admin.signIn(staff.admin);
    await admin.openMenu('Reports');
    await choose(admin, 'Saved report', /UKGC quarterly return/);
    expect(await admin.page.locator('input[name="timeZone"]').inputValue()).toBe('Europe/London');
    await admin.page.locator('input[name="from"]').fill('2026-10-01');
    await admin.page.locator('input[name="to"]').fill(todayIn('Europe/London'));

    const answered = await run(admin, 'named/ukgc_quarterly_return');
    expect(answered.body).toMatchObject({ report: 'ukgc_quarterly_return', provisional: true });
    await admin.page.getByTestId('report-provisional').waitFor();
    expect(await admin.page.getByTestId('report-row').count()).toBe((answered.body as ReportResult).rows.length);

    // The saved report's query, now editable, in a zone that does not exist.
    await choose(admin, 'Saved report', 'Build a query');
    await admin.page.locator('input[name="timeZone"]').fill('Mars/Olympus_Mons');
    const refused = await run(admin, 'query');
    const { error } = refused.body as { error: { code: string; message: string } };
    expect([refused.status, error.code]).toEqual([400, 'REPORT_TIME_ZONE_INVALID']);
    await admin.page
      .getByTestId('report-error')
      .filter({ hasText: `${error.message} (${error.code})` })
      .waitFor();
    expect(await admin.page.getByTestId('report-table').count()).toBe(0);
  });

  it('support has no reports menu, and the API refuses the catalogue, a query and an export', async () => {
    const support = await browserFor();
    await support.signIn(staff.members.support!);
    await support.menuItem('Games').waitFor();
    expect(await support.menuItem('Reports').count()).toBe(0);
    expect(await support.apiStatus('/reports/catalogue')).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await support.apiStatus('/reports/query', GGR_BY_DAY)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await support.apiStatus('/reports/exports', { format: 'csv', query: GGR_BY_DAY })).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
  });
});
