import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { STAFF_ROLES } from '../../src/common/auth/roles';
import { SessionService } from '../../src/modules/auth/sessions/session.service';
import { UserDirectory } from '../../src/modules/user/user-directory';
import { passSecondFactor } from './sign-in';

const ORIGIN = { ip: '203.0.113.1', userAgent: 'jest-user-suites' };
const staffSessions = new WeakMap<INestApplication, Map<string, Record<string, string>>>();

/**
 * The Authorization header of a real session of this user (started through the auth module's
 * SessionService, so the real JWT guard and roles guard check every request). Roles are the
 * account's roles at sign-in: grant staff roles before signing in. A staff account's session passes TOTP through
 * the real 2FA endpoints (enrolled on first use), as staff routes require (ADR 0018).
 */
export async function signedInAs(app: INestApplication, userId: string): Promise<Record<string, string>> {
  const account = await app.get(UserDirectory).findById(userId);
  if (!account) throw new Error(`no account ${userId}`);
  const staff = account.roles.some((role) => STAFF_ROLES.includes(role));
  const cache = staffSessions.get(app) ?? new Map<string, Record<string, string>>();
  staffSessions.set(app, cache);
  const cached = staff ? cache.get(userId) : undefined;
  if (cached && (await app.get(SessionService).list(userId)).length > 0) return cached;
  const { accessToken } = await app.get(SessionService).start(account, 'email', ORIGIN, false);
  if (staff) {
    // Each TOTP step is good once: a staff member keeps one session that passed it.
    await passSecondFactor(app as NestFastifyApplication, accessToken, userId);
    cache.set(userId, { authorization: `Bearer ${accessToken}` });
  }
  return { authorization: `Bearer ${accessToken}` };
}
