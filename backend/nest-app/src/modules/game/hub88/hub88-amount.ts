import { isKnownCurrency, minorDigitsOf } from '@casino/contracts';

/** Hub88 amounts and balances are integers of the real value × 100000 (reference §2). */
export const HUB88_AMOUNT_DIGITS = 5;

export class Hub88AmountError extends Error {}

function factorOf(currency: string): bigint {
  if (!isKnownCurrency(currency)) throw new Hub88AmountError(`Unknown currency ${currency}`);
  const digits = minorDigitsOf(currency);
  if (digits > HUB88_AMOUNT_DIGITS) throw new Hub88AmountError(`${currency} is finer than Hub88's scale`);
  return 10n ** BigInt(HUB88_AMOUNT_DIGITS - digits);
}

/**
 * Hub88 integer → wallet minor units, exactly. Refuses a negative, non-integer or unsafe number and
 * an amount finer than the currency's minor unit (1 = 0.00001 EUR is not a whole cent).
 */
export function hub88ToMinor(amount: number, currency: string): bigint {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new Hub88AmountError('The amount must be a non-negative integer');
  }
  const factor = factorOf(currency);
  const value = BigInt(amount);
  if (value % factor !== 0n) throw new Hub88AmountError(`The amount is not a whole ${currency} minor unit`);
  return value / factor;
}

/** Wallet minor units → Hub88 integer; refuses what JSON could not carry as an exact integer. */
export function minorToHub88(minor: bigint, currency: string): number {
  const value = minor * factorOf(currency);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new Hub88AmountError('The amount is too large for Hub88');
  }
  return Number(value);
}
