import { CURRENCY_CODE_PATTERN } from './currency';

const MINOR_UNITS_PATTERN = /^(0|-?[1-9]\d*)$/;
/** PostgreSQL bigint range; an amount outside it could never be stored. */
const MAX_MINOR = 9223372036854775807n;
const MIN_MINOR = -9223372036854775808n;

export class MoneyFormatError extends Error {}

/**
 * Parses a decimal string of integer minor units ("1050" is 10.50 EUR).
 * Refuses anything else: floats, exponents, leading zeros, whitespace, numbers.
 */
export function parseMinorUnits(value: unknown): bigint {
  if (typeof value !== 'string' || !MINOR_UNITS_PATTERN.test(value)) {
    throw new MoneyFormatError('Amount must be a string of integer minor units');
  }
  const amount = BigInt(value);
  if (amount > MAX_MINOR || amount < MIN_MINOR) {
    throw new MoneyFormatError('Amount is out of range');
  }
  return amount;
}

export function isMinorUnitsString(value: unknown): value is string {
  try {
    parseMinorUnits(value);
    return true;
  } catch {
    return false;
  }
}

/** An amount of one currency in integer minor units. Immutable. */
export class Money {
  private constructor(
    public readonly amount: bigint,
    public readonly currency: string,
  ) {}

  public static of(amount: bigint, currency: string): Money {
    if (!CURRENCY_CODE_PATTERN.test(currency)) {
      throw new MoneyFormatError(`Invalid currency code ${currency}`);
    }
    if (amount > MAX_MINOR || amount < MIN_MINOR) {
      throw new MoneyFormatError('Amount is out of range');
    }
    return new Money(amount, currency);
  }

  public static zero(currency: string): Money {
    return Money.of(0n, currency);
  }

  public static parse(amount: string, currency: string): Money {
    return Money.of(parseMinorUnits(amount), currency);
  }

  public plus(other: Money): Money {
    this.assertSameCurrency(other);
    return Money.of(this.amount + other.amount, this.currency);
  }

  public minus(other: Money): Money {
    this.assertSameCurrency(other);
    return Money.of(this.amount - other.amount, this.currency);
  }

  public negate(): Money {
    return Money.of(-this.amount, this.currency);
  }

  public isNegative(): boolean {
    return this.amount < 0n;
  }

  public isZero(): boolean {
    return this.amount === 0n;
  }

  public equals(other: Money): boolean {
    return this.currency === other.currency && this.amount === other.amount;
  }

  public toJSON(): { amount: string; currency: string } {
    return { amount: this.amount.toString(), currency: this.currency };
  }

  private assertSameCurrency(other: Money): void {
    if (other.currency !== this.currency) {
      throw new MoneyFormatError(`Currency mismatch: ${this.currency} and ${other.currency}`);
    }
  }
}
