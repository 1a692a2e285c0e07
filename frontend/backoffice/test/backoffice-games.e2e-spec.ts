import { eventually } from '@casino/platform/testing';
import { bearer } from '../../../backend/nest-app/test/support/sign-in';
import { BackofficeUi } from './support/backoffice-ui';
import { openBrowser, screenshot, type StaffBrowser } from './support/browser';
import { startPlatform, type RunningPlatform } from './support/platform';
import { enrolStaff, type StaffTeam } from './support/staff';

jest.setTimeout(240_000);

interface StaffGame {
  id: string;
  gameCode: string;
  title: string;
  enabled: boolean;
  staffOwnedFields: string[];
}

/** Games and providers in the browser: the admin takes a game off the lobby and renames it; support only looks. */
describe('back office: games and providers (Chromium, e2e)', () => {
  let platform: RunningPlatform;
  let staff: StaffTeam;
  const browsers: StaffBrowser[] = [];

  async function browserFor(): Promise<BackofficeUi> {
    const browser = await openBrowser();
    browsers.push(browser);
    return new BackofficeUi(browser.page, platform.backofficeUrl);
  }

  async function game(code: string): Promise<StaffGame> {
    const response = await platform.app.inject({
      method: 'GET',
      url: `/api/v1/admin/games?provider=demo&limit=100`,
      headers: bearer(staff.adminToken),
    });
    const found = response.json<{ items: StaffGame[] }>().items.find((item) => item.gameCode === code);
    if (!found) throw new Error(`no game ${code}: ${response.body}`);
    return found;
  }

  beforeAll(async () => {
    platform = await startPlatform('backoffice_games');
    staff = await enrolStaff(platform.app, platform.adminEmail, ['support']);
  });

  afterAll(async () => {
    for (const [index, browser] of browsers.entries()) {
      await screenshot(browser.page, `games-last-${index}`).catch(() => undefined);
      await browser.close();
    }
    await platform?.dispose();
  });

  it('the admin disables a game and renames it; the rename becomes a staff-owned field', async () => {
    expect(await game('demo_lucky_sevens')).toMatchObject({ enabled: true, staffOwnedFields: [] });
    const admin = await browserFor();
    await admin.signIn(staff.admin);

    await admin.openMenu('Game providers');
    await admin.page.getByRole('cell', { name: 'demo', exact: true }).waitFor();

    await admin.openMenu('Games');
    const row = admin.page.getByRole('row').filter({ hasText: 'Lucky Sevens (demo)' });
    await row
      .getByRole('switch', { name: 'enabled' })
      .or(row.getByRole('checkbox', { name: 'enabled' }))
      .click();
    await admin.notification('Game disabled');
    expect(await game('demo_lucky_sevens')).toMatchObject({ enabled: false });

    await row.getByRole('cell', { name: 'Lucky Sevens (demo)' }).click();
    const title = admin.page.locator('input[name="title"]');
    await eventually(async () => (await title.inputValue()) === 'Lucky Sevens (demo)', 20_000);
    const save = admin.page.getByRole('button', { name: 'Save' });
    await admin.editField(title, 'Lucky Sevens', save);
    await save.click();
    await admin.page.getByRole('row').filter({ hasText: 'Lucky Sevens' }).filter({ hasText: 'title' }).waitFor();
    expect(await game('demo_lucky_sevens')).toMatchObject({
      title: 'Lucky Sevens',
      enabled: false,
      staffOwnedFields: ['title'],
    });
  });

  it('support sees the games but cannot switch them, has no providers menu, and the API refuses a change', async () => {
    const support = await browserFor();
    await support.signIn(staff.members.support!);
    expect(await support.menuItem('Game providers').count()).toBe(0);
    await support.openMenu('Games');
    const row = support.page.getByRole('row').filter({ hasText: 'Dragon Gold (demo)' });
    await row.waitFor();
    expect(await row.locator('input[aria-label="enabled"]').isDisabled()).toBe(true);

    const { id } = await game('demo_dragon_gold');
    const refused = await support.page.evaluate(async (gameId) => {
      const session = JSON.parse(sessionStorage.getItem('backoffice.session') ?? '{}') as { accessToken?: string };
      const response = await fetch(`/api/v1/admin/games/${gameId}/disable`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
      return response.status;
    }, id);
    expect(refused).toBe(403);
    expect(await game('demo_dragon_gold')).toMatchObject({ enabled: true });
  });
});
