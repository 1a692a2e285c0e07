import { HttpError, type AuthProvider } from 'react-admin';
import { apiRequest } from '../api/http-client';
import { sessionStore, type TokenPair } from '../api/session-store';
import { staffActions } from '../api/staff-actions';
import type { StaffMe } from '../api/types';
import { allows } from './permissions';

/** The signed-in staff member, asked once per session (GET /admin/me) and kept until sign-out. */
let me: Promise<StaffMe> | null = null;

function currentStaff(): Promise<StaffMe> {
  me ??= staffActions.me().catch((error: unknown) => {
    me = null;
    throw error;
  });
  return me;
}

function forget(): void {
  me = null;
  sessionStore.clear();
}

/**
 * Sign-in itself (email code, then TOTP) is the login page's; `login` receives the finished token pair and keeps
 * it only when the account is staff (GET /admin/me answers).
 */
export const authProvider: AuthProvider = {
  login: async (tokens: TokenPair) => {
    forget();
    sessionStore.write(tokens);
    try {
      await currentStaff();
    } catch (error) {
      // Not staff (403 FORBIDDEN): the session the sign-in opened is ended, not left behind.
      await apiRequest('/auth/logout', { method: 'POST', accessToken: tokens.accessToken }).catch(() => undefined);
      forget();
      throw error;
    }
  },
  logout: async () => {
    if (sessionStore.read()) await apiRequest('/auth/logout', { method: 'POST' }).catch(() => undefined);
    forget();
  },
  checkAuth: async () => {
    if (!sessionStore.read()) throw new Error('Sign in first');
  },
  checkError: async (error: unknown) => {
    if (error instanceof HttpError && error.status === 401) {
      forget();
      throw error;
    }
  },
  getIdentity: async () => {
    const staff = await currentStaff();
    return { id: staff.userId, fullName: staff.roles.filter((role) => role !== 'player').join(', ') };
  },
  getPermissions: async () => (await currentStaff()).permissions,
  canAccess: async ({ resource, action }) => {
    if (!sessionStore.read()) return false;
    return allows((await currentStaff()).permissions, resource, action);
  },
};
