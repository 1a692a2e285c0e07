import { generateSync } from '@otplib/totp';
import { base32, nodeCrypto } from '../../src/modules/auth/two-factor/otp-plugins';

/**
 * TOTP as an authenticator app computes it (reference auth.md: SHA1, 6 digits, 30 s). `offset` in steps; `nowMs`
 * the time the app's clock shows (a suite with a manual clock), the real time by default.
 */
export function totpCode(secret: string, offset = 0, nowMs = Date.now()): string {
  return generateSync({
    secret,
    epoch: Math.floor(nowMs / 1000) + offset * 30,
    digits: 6,
    period: 30,
    crypto: nodeCrypto,
    base32,
  });
}

/** Waits for a new 30 s step when the current one ends soon, so ±1-step codes stay in the window. */
export async function waitForFreshStep(): Promise<void> {
  const left = 30 - ((Date.now() / 1000) % 30);
  if (left < 10) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 200));
}
