import { eventually } from '@casino/platform/testing';
import type { Locator } from 'playwright-core';
import { SessionService } from '../../../backend/nest-app/src/modules/auth/sessions/session.service';
import { TwoFactorService } from '../../../backend/nest-app/src/modules/auth/two-factor/two-factor.service';
import { uniqueEmail } from '../../../backend/nest-app/test/support/sign-in';
import { emailedCode } from './support/maildev';
import { KycService } from '../../../backend/nest-app/src/modules/user/kyc/kyc.service';
import { UserDirectory } from '../../../backend/nest-app/src/modules/user/user-directory';
import { BackofficeUi } from './support/backoffice-ui';
import { openBrowser, screenshot, type StaffBrowser } from './support/browser';
import { startPlatform, type RunningPlatform } from './support/platform';
import { enrolStaff, staffWithoutTotp, type StaffTeam } from './support/staff';

jest.setTimeout(240_000);

/**
 * A compliance officer's first day in the browser: the first sign-in enrols TOTP (every staff route refuses a
 * session without it), the menu shows compliance's screens only, and a pending KYC check is decided from the queue.
 */
describe('back office: TOTP enrolment, KYC decisions, notes and blocking (Chromium, e2e)', () => {
  let platform: RunningPlatform;
  let staff: StaffTeam;
  let bobId: string;
  let browser: StaffBrowser | undefined;

  beforeAll(async () => {
    platform = await startPlatform('backoffice_kyc');
    staff = await enrolStaff(platform.app, platform.adminEmail, []);
    const { account: bob } = await platform.app
      .get(UserDirectory)
      .findOrRegisterByEmail('bob@example.test', { ip: '127.0.0.1', userAgent: 'backoffice-browser-suite' });
    bobId = bob.id;
    await platform.app.get(KycService).startCheck(bobId, 'basic');
  });

  afterAll(async () => {
    if (browser) await screenshot(browser.page, 'compliance-last').catch(() => undefined);
    await browser?.close();
    await platform?.dispose();
  });

  it('enrols TOTP at the first sign-in, shows compliance its menu, and verifies a pending KYC check', async () => {
    const officer = await staffWithoutTotp(platform.app, staff, 'compliance');
    browser = await openBrowser();
    const ui = new BackofficeUi(browser.page, platform.backofficeUrl);
    await ui.signInEnrolling(officer.email, officer.userId);

    await ui.menuItem('KYC decisions').waitFor();
    expect(await ui.menuItem('Games').count()).toBe(0);
    expect(await ui.menuItem('Game providers').count()).toBe(0);
    expect(await ui.apiStatus('/admin/games/00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 403 });

    await ui.openMenu('KYC decisions');
    const row = ui.page.getByRole('row').filter({ hasText: 'bob@example.test' });
    await row.getByRole('button', { name: 'Verify' }).click();
    const dialog = ui.page.getByRole('dialog');
    await dialog.getByLabel('Level').click();
    await ui.page.getByRole('option', { name: 'enhanced' }).click();
    await ui.confirmWithReason('Passport and proof of address checked', 'Verify');
    await ui.notification('KYC verified');
    await waitGone(row);

    expect(await platform.app.get(KycService).describe(bobId)).toMatchObject({ status: 'verified', level: 'enhanced' });
    const review = await platform.app.get(KycService).review(bobId);
    expect(review.history.find((entry) => entry.toStatus === 'verified')).toMatchObject({
      toStatus: 'verified',
      actorType: 'staff',
      actorId: officer.userId,
    });

    // The decision is in the audit log, found by its action.
    await ui.openMenu('Audit log');
    await ui.page.locator('input[name="action"]').fill('kyc.decide');
    await ui.page.getByRole('row').filter({ hasText: bobId }).filter({ hasText: officer.userId }).waitFor();

    // A list the API refuses shows the API's message and stable code.
    await ui.page.goto(`${platform.backofficeUrl}#/security-events?filter=${encodeURIComponent('{"ip":"not-an-ip"}')}`);
    expect(await ui.notification(/\(VALIDATION_FAILED\)/)).toMatch(/^\w.{5,} \(VALIDATION_FAILED\)$/);
  });
  it('adds a note to the player 360 page and blocks, then unblocks, the player with a reason', async () => {
    if (!browser) throw new Error('the first test signs the officer in');
    const ui = new BackofficeUi(browser.page, platform.backofficeUrl);
    await ui.dismissNotifications().catch(() => undefined);
    await ui.page.goto(`${platform.backofficeUrl}#/players/${bobId}/show`);
    await ui.page.getByRole('tab', { name: 'Notes' }).click();
    await ui.page.locator('input[name="note"]').fill('Called about the KYC documents');
    await ui.page.getByRole('button', { name: 'Add', exact: true }).click();
    await ui.notification('Note added');
    await ui.waitForText('Called about the KYC documents');

    await ui.page.getByRole('button', { name: 'Block', exact: true }).click();
    await ui.confirmWithReason('Suspected account sharing', 'Block');
    await ui.notification('Blocked');
    await ui.page.getByRole('button', { name: 'Unblock', exact: true }).waitFor();
    expect(await platform.app.get(UserDirectory).findById(bobId)).toMatchObject({ status: 'blocked' });

    await ui.page.getByRole('button', { name: 'Unblock', exact: true }).click();
    await ui.confirmWithReason('Shared device explained', 'Unblock');
    await ui.page.getByRole('button', { name: 'Block', exact: true }).waitFor();
    expect(await platform.app.get(UserDirectory).findById(bobId)).toMatchObject({ status: 'active' });
  });
  it('turns a player away at sign-in: FORBIDDEN shown, no TOTP enrolled for them, their session ended', async () => {
    const email = uniqueEmail('player');
    const { account } = await platform.app
      .get(UserDirectory)
      .findOrRegisterByEmail(email, { ip: '127.0.0.1', userAgent: 'backoffice-browser-suite' });
    const player = await openBrowser();
    try {
      await player.page.goto(platform.backofficeUrl);
      await player.page.locator('input[name="email"]').fill(email);
      await player.page.getByRole('button', { name: 'Send code' }).click();
      await player.page.locator('input[name="code"]').fill(await emailedCode(email));
      await player.page.getByRole('button', { name: 'Continue' }).click();
      const alert = player.page.getByRole('alert').filter({ hasText: '(FORBIDDEN)' });
      await alert.waitFor();
      expect((await alert.innerText()).trim()).toMatch(/^\w.{5,} \(FORBIDDEN\)$/);
      expect(await player.page.getByTestId('totp-secret').count()).toBe(0);
    } finally {
      await player.close();
    }
    expect(await platform.app.get(TwoFactorService).status(account.id)).toMatchObject({ totpEnabled: false });
    await eventually(async () => (await platform.app.get(SessionService).list(account.id)).length === 0, 5_000);
  });
});

async function waitGone(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'detached' });
}
