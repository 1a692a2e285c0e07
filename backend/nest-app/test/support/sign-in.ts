import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/common/auth/roles';
import { Clock } from '../../src/common/time/clock';
import { totpCode, waitForFreshStep } from './totp';

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

/** The TOTP secret and unused recovery codes of each staff account the helpers enrolled, by email and by user id. */
const staffFactors = new Map<string, { secret: string; recoveryCodes: string[] }>();

/** Staff sessions already signed in, per app and email: a TOTP code is good once, so a session is reused. */
const staffSessions = new WeakMap<NestFastifyApplication, Map<string, SignedIn>>();

async function post<T>(app: NestFastifyApplication, url: string, payload: object, token?: string): Promise<T> {
  const response = await app.inject({ method: 'POST', url, payload, headers: token ? bearer(token) : {} });
  if (response.statusCode >= 300) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`);
  return response.json<T>();
}

/**
 * Signs in with the email code and a second factor, the way staff must (ADR 0018): a first sign-in enrols TOTP
 * (setup, enable with a code, then a step-up with the next code, so the session has passed a second factor); a
 * later one answers the TOTP challenge, with a recovery code once the current TOTP steps are used up.
 */
export async function signInWithTotp(app: NestFastifyApplication, email: string): Promise<SignedIn> {
  await requestEmailCode(app, email);
  const code = await readEmailCode(email);
  const first = await post<{ accessToken?: string; refreshToken?: string; mfaToken?: string }>(
    app,
    '/api/v1/auth/email/verify',
    { email, code },
  );
  const known = staffFactors.get(email);
  if (first.mfaToken && known) {
    const now = app.get(Clock).now().getTime();
    for (const candidate of [totpCode(known.secret, 1, now), ...known.recoveryCodes.splice(0, 1)]) {
      const answer = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/2fa/verify',
        payload: { mfaToken: first.mfaToken, code: candidate },
      });
      if (answer.statusCode === 200) return signedIn(answer.json<{ accessToken: string; refreshToken: string }>());
    }
    throw new Error(`no second factor of ${email} was accepted`);
  }
  if (!first.accessToken || !first.refreshToken) throw new Error(`email/verify of ${email} gave no tokens`);
  await passSecondFactor(app, first.accessToken, email);
  return signedIn({ accessToken: first.accessToken, refreshToken: first.refreshToken });
}

/**
 * Makes a signed-in session pass TOTP through the real endpoints: enrols the account on first use (`key` names
 * it: its email, or its id), then steps the session up with a TOTP code, or a recovery code once the current
 * TOTP steps are used up (each step is good once).
 */
export async function passSecondFactor(app: NestFastifyApplication, accessToken: string, key: string): Promise<void> {
  const now = app.get(Clock).now().getTime();
  const known = staffFactors.get(key) ?? staffFactors.get(userIdOf(accessToken));
  if (known) {
    staffFactors.set(key, known);
    const codes = [totpCode(known.secret, 0, now), totpCode(known.secret, 1, now), ...known.recoveryCodes.splice(0, 1)];
    for (const code of codes) {
      const answer = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/2fa/step-up',
        headers: bearer(accessToken),
        payload: { code },
      });
      if (answer.statusCode === 200) return;
    }
    throw new Error(`no second factor of ${key} was accepted`);
  }
  await waitForFreshStep();
  const at = app.get(Clock).now().getTime();
  const setup = await post<{ secret: string }>(app, '/api/v1/auth/2fa/totp/setup', {}, accessToken);
  const enabled = await post<{ recoveryCodes: string[] }>(
    app,
    '/api/v1/auth/2fa/totp/enable',
    { code: totpCode(setup.secret, -1, at) },
    accessToken,
  );
  const factor = { secret: setup.secret, recoveryCodes: [...enabled.recoveryCodes] };
  staffFactors.set(key, factor);
  staffFactors.set(userIdOf(accessToken), factor);
  await post(app, '/api/v1/auth/2fa/step-up', { code: totpCode(setup.secret, 0, at) }, accessToken);
}

function signedIn(tokens: { accessToken: string; refreshToken: string }): SignedIn {
  return { ...tokens, userId: userIdOf(tokens.accessToken) };
}

/**
 * A signed-in staff member whose session passed TOTP. `adminEmail` must be the suite's `ADMIN_EMAIL` setting
 * (give each suite its own, e.g. `createTestEnvironment('x', { ADMIN_EMAIL: uniqueEmail('admin') })`, since
 * MailDev is shared): that account is admin from the start, and its session is reused for the app's lifetime.
 * For another role, a new account enrols TOTP and gets the role through the audited
 * `POST /api/v1/admin/users/:id/roles` endpoint; its live session has the role at once.
 */
export async function signInAsStaff(
  app: NestFastifyApplication,
  adminEmail: string,
  role: Role = 'admin',
): Promise<SignedIn> {
  const admin = await cachedStaffSession(app, adminEmail);
  if (role === 'admin') return admin;
  const staff = await signInWithTotp(app, uniqueEmail(role));
  await grantRole(app, admin, staff.userId, role);
  return staff;
}

/** Grants a role through the audited admin endpoint. */
export async function grantRole(
  app: NestFastifyApplication,
  admin: SignedIn,
  userId: string,
  role: Role,
): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/admin/users/${userId}/roles`,
    headers: bearer(admin.accessToken),
    payload: { role },
  });
  if (response.statusCode !== 200) {
    throw new Error(`granting ${role} answered ${response.statusCode}: ${response.body}`);
  }
}

async function cachedStaffSession(app: NestFastifyApplication, email: string): Promise<SignedIn> {
  const sessions = staffSessions.get(app) ?? new Map<string, SignedIn>();
  staffSessions.set(app, sessions);
  const cached = sessions.get(email);
  if (cached) {
    const probe = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      headers: bearer(cached.accessToken),
    });
    if (probe.statusCode === 200) return cached;
  }
  const fresh = await signInWithTotp(app, email);
  sessions.set(email, fresh);
  return fresh;
}
