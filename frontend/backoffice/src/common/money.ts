import { CURRENCY_MINOR_DIGITS } from '../../../../libs/contracts/src/money/currency';

/** Integer minor units (a decimal string) shown in major units, exactly: no floating point on the way. */
export function formatMinor(amount: string, currency: string): string {
  const digits = CURRENCY_MINOR_DIGITS[currency] ?? 2;
  const negative = amount.startsWith('-');
  const units = (negative ? amount.slice(1) : amount).padStart(digits + 1, '0');
  const whole = units.slice(0, units.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits > 0 ? `.${units.slice(units.length - digits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction} ${currency}`;
}

/**
 * What staff type in major units ("1500", "-12.5") as integer minor units, or null when it is not an amount of
 * that currency (too many decimals, letters, empty).
 */
export function parseMajor(text: string, currency: string): string | null {
  const digits = CURRENCY_MINOR_DIGITS[currency] ?? 2;
  const match = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > digits) return null;
  const minor = BigInt(whole + fraction.padEnd(digits, '0'));
  if (minor === 0n) return null;
  return `${sign ? '-' : ''}${minor.toString()}`;
}
