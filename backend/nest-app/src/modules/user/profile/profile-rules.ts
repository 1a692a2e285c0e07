import { DomainError, isKnownCurrency } from '@casino/contracts';

/** Full years between a calendar birth date (`YYYY-MM-DD`) and the UTC calendar day of `today`. */
export function ageInYears(birthDate: string, today: Date): number {
  const [year, month, day] = birthDate.split('-').map(Number);
  const years = today.getUTCFullYear() - year;
  const beforeBirthday =
    today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day);
  return beforeBirthday ? years - 1 : years;
}

export function assertOldEnough(birthDate: string, today: Date, minimumAge: number): void {
  if (birthDate > today.toISOString().slice(0, 10)) {
    throw new DomainError('VALIDATION_FAILED', 'The request is invalid', {
      fields: [{ field: 'birthDate', problems: ['birthDate must not be in the future'] }],
    });
  }
  if (ageInYears(birthDate, today) < minimumAge) {
    throw new DomainError('PLAYER_UNDERAGE', `Players must be at least ${minimumAge} years old`, { minimumAge });
  }
}

/** A verified date of birth is the one the verification confirmed: it cannot be changed by the player after. */
export function assertBirthDateChangeAllowed(
  current: string | null,
  next: string | null,
  ageVerifiedAt: Date | null,
): void {
  if (ageVerifiedAt !== null && next !== current) {
    throw new DomainError('BIRTH_DATE_LOCKED', 'The date of birth cannot change once it is verified', {
      verifiedAt: ageVerifiedAt.toISOString(),
    });
  }
}

export function assertCountryAllowed(country: string, blocked: ReadonlySet<string>): void {
  if (blocked.has(country)) {
    throw new DomainError('COUNTRY_NOT_ALLOWED', 'Players from this country cannot be accepted', { country });
  }
}

/**
 * The account currency may change only until the first deposit locks it (then the wallet holds
 * money in it), and only to a currency the platform can account in.
 */
export function assertCurrencyChangeAllowed(currency: string, lockedAt: Date | null): void {
  if (!isKnownCurrency(currency)) {
    throw new DomainError('CURRENCY_NOT_SUPPORTED', 'This currency is not offered', { currency });
  }
  if (lockedAt !== null) {
    throw new DomainError('CURRENCY_LOCKED', 'The currency cannot change after the first deposit', {
      lockedAt: lockedAt.toISOString(),
    });
  }
}
