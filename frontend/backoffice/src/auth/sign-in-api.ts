import { errorCodeOf } from '../api/api-error';
import { apiRequest } from '../api/http-client';
import type { TokenPair } from '../api/session-store';

export type SignInStep = { kind: 'tokens'; tokens: TokenPair } | { kind: 'mfa'; mfaToken: string };

interface VerifyAnswer {
  accessToken?: string;
  refreshToken?: string;
  mfaRequired?: boolean;
  mfaToken?: string;
}

export interface TotpSetup {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

/** The auth routes the sign-in page walks through (email code, then the second factor). */
export const signInApi = {
  sendEmailCode: (email: string): Promise<unknown> =>
    apiRequest('/auth/email/start', { method: 'POST', body: { email }, anonymous: true }),

  verifyEmailCode: async (email: string, code: string): Promise<SignInStep> => {
    const answer = await apiRequest<VerifyAnswer>('/auth/email/verify', {
      method: 'POST',
      body: { email, code },
      anonymous: true,
    });
    if (answer.mfaRequired && answer.mfaToken) return { kind: 'mfa', mfaToken: answer.mfaToken };
    return { kind: 'tokens', tokens: pairOf(answer) };
  },

  verifySecondFactor: async (mfaToken: string, code: string): Promise<TokenPair> =>
    pairOf(
      await apiRequest<VerifyAnswer>('/auth/2fa/verify', { method: 'POST', body: { mfaToken, code }, anonymous: true }),
    ),

  /**
   * A session without a second factor: staff must enrol TOTP (every staff route answers STAFF_MFA_REQUIRED); any
   * other account is not staff, and its session is ended here rather than walked into an enrolment.
   */
  needsEnrolment: async (accessToken: string): Promise<boolean> => {
    try {
      await apiRequest('/admin/me', { accessToken });
      return false;
    } catch (error) {
      if (errorCodeOf(error) === 'STAFF_MFA_REQUIRED') return true;
      await signInApi.endSession(accessToken);
      throw error;
    }
  },

  endSession: (accessToken: string): Promise<unknown> =>
    apiRequest('/auth/logout', { method: 'POST', accessToken }).catch(() => undefined),

  /** Staff without TOTP enrol before any staff route answers them (STAFF_MFA_REQUIRED). */
  startTotpSetup: (accessToken: string): Promise<TotpSetup> =>
    apiRequest<TotpSetup>('/auth/2fa/totp/setup', { method: 'POST', accessToken }),

  enableTotp: (accessToken: string, code: string): Promise<{ recoveryCodes: string[] }> =>
    apiRequest('/auth/2fa/totp/enable', { method: 'POST', body: { code }, accessToken }),

  stepUp: (accessToken: string, code: string): Promise<unknown> =>
    apiRequest('/auth/2fa/step-up', { method: 'POST', body: { code }, accessToken }),
};

function pairOf(answer: VerifyAnswer): TokenPair {
  if (!answer.accessToken || !answer.refreshToken) throw new Error('The sign-in answered without tokens');
  return { accessToken: answer.accessToken, refreshToken: answer.refreshToken };
}
