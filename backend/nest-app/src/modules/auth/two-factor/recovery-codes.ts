import { randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const RECOVERY_CODE_PATTERN = /^[a-z2-7]{10}$/;

/** Ten codes like `k3dq7-xm2pa` (50 bits each from the CSPRNG). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(0, ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The canonical form of a typed recovery code (case, spaces and hyphens ignored), or null when it cannot be one. */
export function normaliseRecoveryCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]/g, '');
  return RECOVERY_CODE_PATTERN.test(compact) ? compact : null;
}
