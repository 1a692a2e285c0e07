import { BackofficeUi } from './support/backoffice-ui';
import { openBrowser, screenshot, type StaffBrowser } from './support/browser';
import { startPlatform, type RunningPlatform } from './support/platform';
import { enrolStaff, type StaffTeam } from './support/staff';

jest.setTimeout(240_000);

/** The Queues screen opens Bull Board in a new tab through the ticket cookie; support has no such screen (ADR 0027). */
describe('back office: the queue board (Chromium, e2e)', () => {
  let platform: RunningPlatform;
  let staff: StaffTeam;
  const browsers: StaffBrowser[] = [];

  beforeAll(async () => {
    platform = await startPlatform('backoffice_queues');
    staff = await enrolStaff(platform.app, platform.adminEmail, ['support']);
  });

  afterAll(async () => {
    for (const [index, browser] of browsers.entries()) {
      await screenshot(browser.page, `queues-last-${index}`).catch(() => undefined);
      await browser.close();
    }
    await platform?.dispose();
  });

  const uiFor = async (): Promise<BackofficeUi> => {
    const browser = await openBrowser();
    browsers.push(browser);
    return new BackofficeUi(browser.page, platform.backofficeUrl);
  };

  it('the admin opens the read-only board, listing every queue, under the CSP', async () => {
    const admin = await uiFor();
    await admin.signIn(staff.admin);
    await admin.openMenu('Queues');
    const [board] = await Promise.all([
      admin.page.context().waitForEvent('page'),
      admin.page.getByRole('button', { name: 'Open the queue board' }).click(),
    ]);
    await board.waitForURL(/\/admin\/queues\/$/);
    for (const queue of ['mail', 'sms', 'reports', 'analytics', 'report-schedules', 'game-catalog']) {
      await board.getByText(queue, { exact: true }).first().waitFor();
    }
    const cookies = await admin.page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === 'casino_queue_board')).toMatchObject({
      path: '/admin/queues',
      httpOnly: true,
      sameSite: 'Strict',
    });
  });

  it('support sees no Queues entry and the API refuses it the board', async () => {
    const support = await uiFor();
    await support.signIn(staff.members.support!);
    await support.menuItem('Players').waitFor();
    expect(await support.menuItem('Queues').count()).toBe(0);
    expect(await support.apiStatus('/admin/queues/board-session', {})).toMatchObject({ status: 403 });
  });
});
