import { verifySync } from '@otplib/totp';
import { generateTOTP } from '@otplib/uri';
import { randomBytes } from 'node:crypto';
import { base32, base32Encode, nodeCrypto } from './otp-plugins';

/** Authenticator-app TOTP parameters (reference auth.md): SHA1, 6 digits, 30 s, ±1 step of drift. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const DRIFT_STEPS = 1;
const SECRET_BYTES = 20;

/** A new 160-bit secret, Base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES));
}

export function totpUri(issuer: string, account: string, secret: string): string {
  return generateTOTP({
    issuer,
    label: account,
    secret,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}

/**
 * The RFC 6238 time step a code matches at `epochSeconds` within ±1 step, or null. A step not after
 * `lastUsedStep` is refused, so the same code (or an older one) is never accepted twice.
 */
export function matchTotpStep(
  secret: string,
  code: string,
  epochSeconds: number,
  lastUsedStep: number | null,
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const result = verifySync({
    secret,
    token: code,
    epoch: epochSeconds,
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: 'sha1',
    epochTolerance: DRIFT_STEPS * TOTP_PERIOD_SECONDS,
    crypto: nodeCrypto,
    base32,
    ...(lastUsedStep === null ? {} : { afterTimeStep: lastUsedStep }),
  });
  return result.valid ? result.timeStep : null;
}
