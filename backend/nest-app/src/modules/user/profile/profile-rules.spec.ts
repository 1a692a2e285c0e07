import { DomainError } from '@casino/contracts';
import {
  ageInYears,
  assertBirthDateChangeAllowed,
  assertCountryAllowed,
  assertCurrencyChangeAllowed,
  assertOldEnough,
} from './profile-rules';

function codeOf(attempt: () => void): string | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
}

describe('profile rules', () => {
  it.each([
    ['2008-03-02', '2026-03-02T00:00:00Z', 18],
    ['2008-03-03', '2026-03-02T23:59:59Z', 17],
    ['2000-02-29', '2018-02-28T12:00:00Z', 17],
    ['2000-02-29', '2018-03-01T00:00:00Z', 18],
  ])('born %s is, on %s, %i years old', (birthDate, today, age) => {
    expect(ageInYears(birthDate, new Date(today))).toBe(age);
  });

  it('refuses a player one day short of the minimum age with PLAYER_UNDERAGE', () => {
    const today = new Date('2026-03-02T10:00:00Z');
    expect(codeOf(() => assertOldEnough('2008-03-03', today, 18))).toBe('PLAYER_UNDERAGE');
    expect(codeOf(() => assertOldEnough('2008-03-02', today, 18))).toBeUndefined();
    expect(codeOf(() => assertOldEnough('2008-03-02', today, 21))).toBe('PLAYER_UNDERAGE');
    expect(codeOf(() => assertOldEnough('2027-01-01', today, 18))).toBe('VALIDATION_FAILED');
  });

  it('refuses blocked countries only', () => {
    const blocked = new Set(['US', 'FR']);
    expect(codeOf(() => assertCountryAllowed('FR', blocked))).toBe('COUNTRY_NOT_ALLOWED');
    expect(codeOf(() => assertCountryAllowed('DE', blocked))).toBeUndefined();
  });

  it('allows a currency change to a known currency until the first deposit', () => {
    expect(codeOf(() => assertCurrencyChangeAllowed('GBP', null))).toBeUndefined();
    expect(codeOf(() => assertCurrencyChangeAllowed('XAU', null))).toBe('CURRENCY_NOT_SUPPORTED');
    expect(codeOf(() => assertCurrencyChangeAllowed('GBP', new Date()))).toBe('CURRENCY_LOCKED');
  });

  it('keeps a verified birth date: any change or removal is BIRTH_DATE_LOCKED, the same date passes', () => {
    const verifiedAt = new Date('2026-01-01T00:00:00Z');
    expect(codeOf(() => assertBirthDateChangeAllowed(null, '1990-01-01', null))).toBeUndefined();
    expect(codeOf(() => assertBirthDateChangeAllowed('1990-01-01', '1991-01-01', null))).toBeUndefined();
    expect(codeOf(() => assertBirthDateChangeAllowed('1990-01-01', '1990-01-01', verifiedAt))).toBeUndefined();
    expect(codeOf(() => assertBirthDateChangeAllowed('1990-01-01', '1980-01-01', verifiedAt))).toBe(
      'BIRTH_DATE_LOCKED',
    );
    expect(codeOf(() => assertBirthDateChangeAllowed('1990-01-01', null, verifiedAt))).toBe('BIRTH_DATE_LOCKED');
  });
});
