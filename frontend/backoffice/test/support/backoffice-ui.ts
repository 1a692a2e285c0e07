import type { Locator, Page } from 'playwright-core';
import { emailedCode } from './maildev';
import { authenticatorFor, type StaffMember } from './staff';

/** What a staff member does in the back office, the way they click it. */
export class BackofficeUi {
  public constructor(
    public readonly page: Page,
    private readonly url: string,
  ) {}

  /** Email, the code MailDev received, then the authenticator code: lands on the dashboard. */
  public async signIn(member: StaffMember): Promise<void> {
    await this.page.goto(this.url);
    await this.page.locator('input[name="email"]').fill(member.email);
    await this.page.getByRole('button', { name: 'Send code' }).click();
    await this.page.locator('input[name="code"]').fill(await emailedCode(member.email));
    await this.page.getByRole('button', { name: 'Continue' }).click();
    await this.page.locator('input[name="totp"]').fill(await member.nextTotp());
    await this.page.getByRole('button', { name: 'Continue' }).click();
    await this.page.getByTestId('dashboard').waitFor();
  }

  /**
   * A staff member's first sign-in: the email code, then the enrolment the page walks through (scan the secret,
   * enter a code, keep the recovery codes, enter the next code). Returns the authenticator holding the secret.
   */
  public async signInEnrolling(email: string, userId: string): Promise<StaffMember> {
    await this.page.goto(this.url);
    await this.page.locator('input[name="email"]').fill(email);
    await this.page.getByRole('button', { name: 'Send code' }).click();
    await this.page.locator('input[name="code"]').fill(await emailedCode(email));
    await this.page.getByRole('button', { name: 'Continue' }).click();
    const secret = (await this.page.getByTestId('totp-secret').innerText()).trim();
    await this.page.getByRole('img', { name: 'TOTP QR code' }).waitFor();
    const app = authenticatorFor(email, userId, secret);
    await this.page.locator('input[name="enrol"]').fill(await app.nextTotp());
    await this.page.getByRole('button', { name: 'Continue' }).click();
    await this.page.getByTestId('recovery-codes').waitFor();
    await this.page.locator('input[name="enrol"]').fill(await app.nextTotp());
    await this.page.getByRole('button', { name: 'Continue' }).click();
    await this.page.getByTestId('dashboard').waitFor();
    return app;
  }

  public async openMenu(label: string): Promise<void> {
    await this.menuItem(label).click();
  }

  public menuItem(label: string) {
    return this.page.getByRole('menuitem', { name: label, exact: true });
  }

  /**
   * Waits for the notification react-admin shows after an action (a success, or the API's "message (CODE)") that
   * matches `expected`, and returns its text; an earlier notice still on screen does not count.
   */
  public async notification(expected: string | RegExp): Promise<string> {
    const alert = this.page.locator('.RaNotification-root, [role="alert"]').filter({ hasText: expected }).last();
    await alert.waitFor();
    return (await alert.innerText()).trim();
  }

  public async dismissNotifications(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.RaNotification-root').waitFor({ state: 'detached' });
  }

  /**
   * Types `value` into a react-admin form field and waits until the form keeps it and `save` is enabled. A record
   * refetched in the background (after a refresh, or the list's answer landing in the record cache) resets a form
   * whose fields were untouched when it arrived, so a fill can be undone once: it is typed again until it holds.
   */
  public async editField(field: Locator, value: string, save: Locator): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await field.fill(value);
      const kept = await eventuallyTrue(
        async () => (await field.inputValue()) === value && (await save.isEnabled()),
        1_500,
      );
      if (kept) return;
      if (Date.now() > deadline)
        throw new Error(`the form did not keep "${value}" in ${await field.getAttribute('name')}`);
    }
  }

  /** Fills the reason of the open decision dialog and confirms it with `button`. */
  public async confirmWithReason(reason: string, button: string): Promise<void> {
    const dialog = this.page.getByRole('dialog');
    await dialog.locator('textarea[name="reason"]').fill(reason);
    await dialog.getByRole('button', { name: button, exact: true }).click();
  }

  /** The API answer to a request made from this page with its own session (as the app makes them). */
  public async apiStatus(path: string, payload?: object): Promise<{ status: number; code?: string }> {
    const { status, body } = await this.apiCall(path, payload);
    return { status, code: (body as { error?: { code?: string } }).error?.code };
  }

  /** A GET, or a POST of `payload`, from this page with its own session; the status and the JSON body. */
  public async apiCall(path: string, payload?: object): Promise<{ status: number; body: unknown }> {
    return this.page.evaluate(
      async ({ target, json }) => {
        const session = JSON.parse(sessionStorage.getItem('backoffice.session') ?? '{}') as { accessToken?: string };
        const headers: Record<string, string> = { authorization: `Bearer ${session.accessToken}` };
        if (json !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(`/api/v1${target}`, {
          method: json === undefined ? 'GET' : 'POST',
          headers,
          body: json,
        });
        return { status: response.status, body: (await response.json().catch(() => ({}))) as unknown };
      },
      { target: path, json: payload === undefined ? undefined : JSON.stringify(payload) },
    );
  }

  /** Waits until the text is on screen (fails the test after the page's timeout). */
  public async waitForText(text: string | RegExp): Promise<void> {
    await this.page.getByText(text).first().waitFor();
  }
}

async function eventuallyTrue(check: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}
