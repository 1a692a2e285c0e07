import {
  balances,
  create,
  EUR,
  newPlayer,
  verifyKyc,
  type Player,
} from '../../../backend/nest-app/test/payment-test-kit';
import { BackofficeUi } from './support/backoffice-ui';
import { openBrowser, screenshot, type StaffBrowser } from './support/browser';
import { startPaymentPlatform, type RunningPaymentPlatform } from './support/platform';
import { enrolStaff, type StaffTeam } from './support/staff';

jest.setTimeout(240_000);

/**
 * Withdrawals above WITHDRAWAL_APPROVAL_THRESHOLD wait for finance (reference payments): the queue in the browser,
 * the payments list, and finance's decisions through the sandbox PSP.
 */
describe('back office: withdrawal approvals and payments (Chromium, e2e)', () => {
  let platform: RunningPaymentPlatform;
  let staff: StaffTeam;
  let browser: StaffBrowser | undefined;
  let player: Player;

  async function withdrawalAwaitingApproval(amount: string): Promise<string> {
    const response = await create(platform.app, player, 'withdrawals', EUR(amount));
    expect(response.json()).toMatchObject({ status: 'requires_action' });
    return response.json<{ id: string }>().id;
  }

  async function statusOf(id: string): Promise<string> {
    const response = await platform.app.inject({
      method: 'GET',
      url: `/api/v1/payments/${id}`,
      headers: player.headers,
    });
    return response.json<{ status: string }>().status;
  }

  beforeAll(async () => {
    // EUR 500.00: a EUR 600.00 withdrawal waits for finance.
    platform = await startPaymentPlatform('backoffice_payouts', { WITHDRAWAL_APPROVAL_THRESHOLD: '50000' });
    staff = await enrolStaff(platform.app, platform.adminEmail, ['finance']);
    player = await newPlayer(platform.app, 200_000n);
    await verifyKyc(platform.app, player.userId);
  });

  afterAll(async () => {
    if (browser) await screenshot(browser.page, 'withdrawals-last').catch(() => undefined);
    await browser?.close();
    await platform?.dispose();
  });

  it('finance approves one withdrawal and rejects another from the queue; the rejected hold is released', async () => {
    const approved = await withdrawalAwaitingApproval('60000');
    const rejected = await withdrawalAwaitingApproval('70000');
    expect(await balances(platform.app, player.userId)).toMatchObject({ cash: 70_000n, held: 130_000n });

    browser = await openBrowser();
    const finance = new BackofficeUi(browser.page, platform.backofficeUrl);
    await finance.signIn(staff.members.finance!);
    expect(await finance.page.getByTestId('pending-withdrawals').innerText()).toBe('2');

    await finance.openMenu('Withdrawals');
    const first = finance.page.getByRole('row').filter({ hasText: '600.00 EUR' });
    const second = finance.page.getByRole('row').filter({ hasText: '700.00 EUR' });
    await second.waitFor();
    await screenshot(finance.page, 'withdrawals');

    await first.getByRole('button', { name: 'Approve' }).click();
    await finance.confirmWithReason('Source of funds checked', 'Approve');
    await finance.notification('Withdrawal approved');
    await first.waitFor({ state: 'detached' });
    expect(await statusOf(approved)).not.toBe('requires_action');

    await second.getByRole('button', { name: 'Reject' }).click();
    await finance.confirmWithReason('Bonus abuse under review', 'Reject');
    await finance.notification('Withdrawal rejected');
    await second.waitFor({ state: 'detached' });
    expect(await statusOf(rejected)).toBe('canceled');
    // The rejected EUR 700.00 is back in cash; the approved EUR 600.00 stays held until its payout settles.
    expect(await balances(platform.app, player.userId)).toMatchObject({ cash: 140_000n, held: 60_000n });

    await finance.openMenu('Payments');
    await finance.page.getByRole('row').filter({ hasText: '700.00 EUR' }).filter({ hasText: 'canceled' }).waitFor();
  });
});
