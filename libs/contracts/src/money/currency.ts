/** ISO 4217 minor-unit digits for the currencies the platform knows. */
export const CURRENCY_MINOR_DIGITS: Readonly<Record<string, number>> = Object.freeze({
  EUR: 2,
  USD: 2,
  GBP: 2,
  CAD: 2,
  AUD: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  BRL: 2,
  CHF: 2,
  JPY: 0,
  KRW: 0,
  CLP: 0,
  KWD: 3,
  BHD: 3,
  TND: 3,
});

export const CURRENCY_CODE_PATTERN = /^[A-Z]{3}$/;

export function isKnownCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(CURRENCY_MINOR_DIGITS, code);
}

export function minorDigitsOf(code: string): number {
  const digits = CURRENCY_MINOR_DIGITS[code];
  if (digits === undefined) {
    throw new RangeError(`Unknown currency ${code}`);
  }
  return digits;
}
