import type { Role } from '../../../common/auth/roles';
import { hasPermission } from '../../../common/auth/staff-permissions';

/**
 * The one place that decides what of a player's personal data a staff member sees (docs/roles.md, "Personal data"):
 * roles with `players.pii` see it as stored, the others masked. Every player search row and player 360 profile
 * leaves the admin module through here. No postal address is stored (the KYC provider keeps it); a field added to
 * the player's profile that identifies them belongs in MASKS. The `details` of the 360's security events and audit
 * trail go through it too (a Telegram link names the Telegram id and username; a contact change is masked already).
 */
const MASKS = {
  email: maskEmail,
  phone: maskPhone,
  telegramId: maskDigits,
  username: maskName,
  displayName: maskName,
  firstName: maskName,
  lastName: maskName,
  birthDate: (): string => '****-**-**',
  address: (): string => '***',
} as const satisfies Record<string, (value: string) => string>;

type PiiField = keyof typeof MASKS;

export function seesPlayerPii(roles: readonly Role[]): boolean {
  return hasPermission(roles, 'players.pii');
}

/** `record` as `roles` may see it: its personal fields masked unless they hold `players.pii`. */
export function serializePlayerPii<T extends Partial<Record<PiiField, unknown>>>(record: T, roles: readonly Role[]): T {
  if (seesPlayerPii(roles)) return record;
  const masked: Record<string, unknown> = { ...record };
  for (const field of Object.keys(MASKS) as PiiField[]) {
    const value = record[field];
    if (typeof value === 'string' && value.length > 0) masked[field] = MASKS[field](value);
  }
  return masked as T;
}

/** `alice@example.com` → `a***@example.com`: the domain stays (it tells a typo from another provider). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** `+447700900089` → `+44*******89`: the country code and the last two digits. */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 5)}${phone.slice(-2)}`;
}

/** A Telegram id keeps its last two digits. */
export function maskDigits(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  return `${'*'.repeat(value.length - 2)}${value.slice(-2)}`;
}

/** `Kowalski` → `K***`: a fixed run of stars, so the length does not show. */
export function maskName(name: string): string {
  return `${[...name][0] ?? ''}***`;
}
