import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/common/auth/roles';

/** MailDev's HTTP API (the SMTP sink of development and tests). */
export const MAILDEV_API = 'http://127.0.0.1:1080';

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  userId: string;
}

interface MailDevEmail {
  id: string;
  subject: string;
  text?: string;
  time: string;
  to: { address: string }[];
}

/** An address no other suite uses (MailDev is shared by every suite). */
export function uniqueEmail(label = 'player'): string {
  return `${label}-${randomBytes(6).toString('hex')}@example.test`;
}

export function bearer(accessToken: string): { authorization: string } {
  return { authorization: `Bearer ${accessToken}` };
}

/** The `sub` claim of an access token (not verified: the app does that). */
export function userIdOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { sub: string };
  return payload.sub;
}

/** Asks the app to email a sign-in code. */
export async function requestEmailCode(app: NestFastifyApplication, email: string): Promise<void> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/email/start', payload: { email } });
  if (response.statusCode !== 202) {
    throw new Error(`email/start answered ${response.statusCode}: ${response.body}`);
  }
}

/**
 * Waits for the newest mail to `email` in MailDev (delivered by the app's BullMQ mail job over SMTP),
 * deletes it there, and returns the 6-digit code it carries.
 */
export async function readEmailCode(email: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const mails = (await (await fetch(`${MAILDEV_API}/email`)).json()) as MailDevEmail[];
    const mine = mails
      .filter((mail) => mail.to.some((to) => to.address.toLowerCase() === email.toLowerCase()))
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
    const newest = mine[0];
    const code = newest?.text?.match(/\b(\d{6})\b/)?.[1];
    if (newest && code) {
      await Promise.all(mine.map((mail) => fetch(`${MAILDEV_API}/email/${mail.id}`, { method: 'DELETE' })));
      return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No mail to ${email} reached MailDev within ${timeoutMs} ms`);
}

/**
 * Signs in the real way: email code through BullMQ, SMTP and MailDev, then `email/verify`.
 * Creates the player on first use. Fails for an account with 2FA on (that answers mfaRequired).
 */
export async function signIn(app: NestFastifyApplication, email: string = uniqueEmail()): Promise<SignedIn> {
  await requestEmailCode(app, email);
  const code = await readEmailCode(email);
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/email/verify', payload: { email, code } });
  const body = response.json<{ accessToken?: string; refreshToken?: string; mfaRequired?: boolean }>();
  if (response.statusCode !== 200 || !body.accessToken || !body.refreshToken) {
    throw new Error(`email/verify answered ${response.statusCode}: ${response.body}`);
  }
  return { accessToken: body.accessToken, refreshToken: body.refreshToken, userId: userIdOf(body.accessToken) };
}

/**
 * A signed-in staff member. `adminEmail` must be the suite's `ADMIN_EMAIL` setting (give each suite its
 * own, e.g. `createTestEnvironment('x', { ADMIN_EMAIL: uniqueEmail('admin') })`, since MailDev is shared):
 * that account is admin from the start. For another role, a new account gets it through the audited
 * `POST /api/v1/admin/users/:id/roles` endpoint; its live session has the role at once.
 */
export async function signInAsStaff(
  app: NestFastifyApplication,
  adminEmail: string,
  role: Role = 'admin',
): Promise<SignedIn> {
  const admin = await signIn(app, adminEmail);
  if (role === 'admin') return admin;
  const staff = await signIn(app, uniqueEmail(role));
  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/admin/users/${staff.userId}/roles`,
    headers: bearer(admin.accessToken),
    payload: { role },
  });
  if (response.statusCode !== 200) {
    throw new Error(`granting ${role} answered ${response.statusCode}: ${response.body}`);
  }
  return staff;
}
