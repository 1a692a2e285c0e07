import type { INestApplication } from '@nestjs/common';
import { SessionService } from '../../src/modules/auth/sessions/session.service';
import { UserDirectory } from '../../src/modules/user/user-directory';

const ORIGIN = { ip: '203.0.113.1', userAgent: 'jest-user-suites' };

/**
 * The Authorization header of a real session of this user (started through the auth module's
 * SessionService, so the real JWT guard and roles guard check every request). Roles are the
 * account's roles at sign-in: grant staff roles before signing in.
 */
export async function signedInAs(app: INestApplication, userId: string): Promise<Record<string, string>> {
  const account = await app.get(UserDirectory).findById(userId);
  if (!account) throw new Error(`no account ${userId}`);
  const { accessToken } = await app.get(SessionService).start(account, 'email', ORIGIN, false);
  return { authorization: `Bearer ${accessToken}` };
}
