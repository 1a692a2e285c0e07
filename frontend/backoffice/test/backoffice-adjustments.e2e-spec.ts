import type { Locator } from 'playwright-core';
import { bearer } from '../../../backend/nest-app/test/support/sign-in';
import { UserDirectory } from '../../../backend/nest-app/src/modules/user/user-directory';
import { WalletService } from '../../../backend/nest-app/src/modules/wallet/wallet.service';
import { BackofficeUi } from './support/backoffice-ui';
import { openBrowser, screenshot, type StaffBrowser } from './support/browser';
import { startPlatform, type RunningPlatform } from './support/platform';
import { enrolStaff, type StaffTeam } from './support/staff';

jest.setTimeout(240_000);

/**
 * Maker-checker in the browser (reference backoffice.md: "four eyes on money"): the admin finds alice, requests an
 * adjustment above ADJUSTMENT_APPROVAL_THRESHOLD from her 360 page, cannot approve it themselves; a finance user
 * approves it and alice's balance moves exactly once; a support user has no adjustments menu and gets 403.
 */
describe('back office: adjustments under four eyes (Chromium, e2e)', () => {
  let platform: RunningPlatform;
  let staff: StaffTeam;
  let aliceId: string;
  const browsers: StaffBrowser[] = [];

  async function browserFor(): Promise<BackofficeUi> {
    const browser = await openBrowser();
    browsers.push(browser);
    return new BackofficeUi(browser.page, platform.backofficeUrl);
  }

  async function aliceCash(): Promise<bigint> {
    const [wallet] = await platform.app.get(WalletService).walletsOfUser(aliceId);
    return wallet.balances.cash;
  }

  beforeAll(async () => {
    // EUR 100.00: a EUR 250.00 request needs a second staff member.
    platform = await startPlatform('backoffice_adjust', { ADJUSTMENT_APPROVAL_THRESHOLD: '10000' });
    staff = await enrolStaff(platform.app, platform.adminEmail, ['finance', 'support']);
    const { account: alice } = await platform.app
      .get(UserDirectory)
      .findOrRegisterByEmail('alice@example.test', { ip: '127.0.0.1', userAgent: 'backoffice-browser-suite' });
    aliceId = alice.id;
  });

  afterAll(async () => {
    // What each staff member's browser showed last: the first thing to look at when a step failed.
    for (const [index, browser] of browsers.entries()) {
      await screenshot(browser.page, `adjustments-last-${index}`).catch(() => undefined);
      await browser.close();
    }
    await platform?.dispose();
  });

  it('a request above the threshold waits, the maker cannot approve it, finance does, the balance moves once', async () => {
    expect(await aliceCash()).toBe(10_000n);

    const admin = await browserFor();
    await admin.signIn(staff.admin);
    expect(await admin.page.getByTestId('pending-adjustments').innerText()).toBe('0');

    await admin.openMenu('Players');
    await admin.page.getByPlaceholder('Id, email, phone, Telegram id or name').waitFor();
    await admin.page.locator('input[name="q"]').fill('alice');
    // react-admin applies a typed filter after a debounce by rewriting the URL: a row clicked before that would
    // open the player and then be sent back to the filtered list.
    await admin.page.waitForURL(/filter=.*alice/);
    await admin.page.getByRole('cell', { name: 'alice@example.test' }).click();
    await admin.page.getByRole('tab', { name: 'Wallets' }).click();
    const wallet = admin.page.getByTestId('wallet-EUR');
    await expectText(wallet.getByTestId('balance-cash'), '100.00 EUR');
    await screenshot(admin.page, 'player');

    await wallet.getByRole('button', { name: 'Request adjustment' }).click();
    await admin.page.getByRole('dialog').locator('input[name="amount"]').fill('250');
    await admin.confirmWithReason('Goodwill credit after a disputed round', 'Request');
    await admin.notification('Adjustment requested');
    expect(await aliceCash()).toBe(10_000n);

    await admin.openMenu('Dashboard');
    await expectText(admin.page.getByTestId('pending-adjustments'), /^1$/);
    await screenshot(admin.page, 'dashboard');

    await admin.openMenu('Adjustments');
    const row = admin.page.getByRole('row').filter({ hasText: '250.00 EUR' });
    await expectText(row, /pending/);
    await row.getByRole('button', { name: 'Approve' }).click();
    await admin.confirmWithReason('Approving my own request', 'Approve');
    // The API's message, then its stable code.
    expect(await admin.notification(/\(ADJUSTMENT_SELF_APPROVAL\)/)).toMatch(/^\w.{5,} \(ADJUSTMENT_SELF_APPROVAL\)$/);
    await admin.page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await aliceCash()).toBe(10_000n);

    const finance = await browserFor();
    await finance.signIn(staff.members.finance!);
    await finance.openMenu('Adjustments');
    const pending = finance.page.getByRole('row').filter({ hasText: '250.00 EUR' });
    await pending.getByRole('button', { name: 'Approve' }).click();
    await finance.confirmWithReason('Checked the round history', 'Approve');
    await finance.notification('Adjustment approved');
    await pending.waitFor({ state: 'detached' });
    expect(await aliceCash()).toBe(35_000n);

    // Exactly once: the request is approved with one ledger transaction; deciding it again changes nothing.
    const token = await finance.page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('backoffice.session') ?? '{}') as { accessToken: string }).accessToken,
    );
    const approved = await platform.app.inject({
      method: 'GET',
      url: `/api/v1/admin/adjustments?status=approved`,
      headers: bearer(token),
    });
    const items = approved
      .json<{ items: { id: string; userId: string; amount: string; transactionId: string }[] }>()
      .items.filter((item) => item.userId === aliceId && item.amount === '25000');
    expect(items).toHaveLength(1);
    expect(items[0].transactionId).toEqual(expect.any(String));
    const again = await platform.app.inject({
      method: 'POST',
      url: `/api/v1/admin/adjustments/${items[0].id}/approve`,
      headers: bearer(token),
      payload: { reason: 'a second click' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'ADJUSTMENT_NOT_PENDING' } });
    expect(await aliceCash()).toBe(35_000n);

    // The admin's 360 page, opened again, shows the new balance.
    await admin.page.goto(`${platform.backofficeUrl}#/players/${aliceId}/show`);
    await admin.page.getByRole('tab', { name: 'Wallets' }).click();
    await expectText(admin.page.getByTestId('wallet-EUR').getByTestId('balance-cash'), '350.00 EUR');
  });

  it('support sees no adjustments menu, is refused the page, and the API answers 403', async () => {
    const support = await browserFor();
    await support.signIn(staff.members.support!);
    await support.menuItem('Players').waitFor();
    expect(await support.menuItem('Adjustments').count()).toBe(0);

    // Support sees personal data masked, so its search box offers whole values only (no name fragments).
    await support.openMenu('Players');
    await support.page.getByPlaceholder('Id, whole email, whole phone or Telegram id').waitFor();

    await support.page.goto(`${platform.backofficeUrl}#/adjustments`);
    await support.waitForText(/not authorized|unauthorized|access denied/i);

    expect(await support.apiStatus('/admin/adjustments')).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await support.apiStatus('/admin/players?q=alice%40example.test')).toMatchObject({ status: 200 });
  });
});

async function expectText(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}
