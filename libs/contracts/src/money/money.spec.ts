import { Money, MoneyFormatError, parseMinorUnits } from './money';
import { minorDigitsOf } from './currency';

describe('parseMinorUnits', () => {
  it.each(['0', '1', '-1', '1050', '9223372036854775807', '-9223372036854775808'])('accepts %s', (value) => {
    expect(parseMinorUnits(value).toString()).toBe(value);
  });

  it.each([
    ['a float', '10.5'],
    ['an exponent', '1e3'],
    ['a leading zero', '007'],
    ['whitespace', ' 10'],
    ['a plus sign', '+10'],
    ['an empty string', ''],
    ['minus zero spelled out', '-0'],
    ['past bigint', '9223372036854775808'],
  ])('refuses %s', (_label, value) => {
    expect(() => parseMinorUnits(value)).toThrow(MoneyFormatError);
  });

  it('refuses a JS number, which could already have lost cents', () => {
    expect(() => parseMinorUnits(1050)).toThrow(MoneyFormatError);
  });
});

describe('Money', () => {
  it('adds and subtracts exactly beyond 2^53', () => {
    const big = Money.parse('9007199254740993', 'EUR');
    expect(big.plus(Money.parse('2', 'EUR')).amount).toBe(9007199254740995n);
    expect(big.minus(Money.parse('9007199254740994', 'EUR')).amount).toBe(-1n);
  });

  it('refuses to mix currencies', () => {
    expect(() => Money.parse('1', 'EUR').plus(Money.parse('1', 'USD'))).toThrow(/Currency mismatch/);
  });

  it('serialises the amount as a string', () => {
    expect(JSON.stringify(Money.parse('-250', 'USD'))).toBe('{"amount":"-250","currency":"USD"}');
  });

  it('knows minor digits of zero- and three-digit currencies', () => {
    expect(minorDigitsOf('JPY')).toBe(0);
    expect(minorDigitsOf('KWD')).toBe(3);
    expect(() => minorDigitsOf('XXX')).toThrow(RangeError);
  });
});
