import { formatMinor, parseMajor } from '../src/common/money';

describe('back-office money (integer minor units, no floats)', () => {
  it('shows minor units in major units of the currency, exactly', () => {
    expect(formatMinor('10000', 'EUR')).toBe('100.00 EUR');
    expect(formatMinor('5', 'EUR')).toBe('0.05 EUR');
    expect(formatMinor('-250000', 'EUR')).toBe('-2,500.00 EUR');
    expect(formatMinor('1234', 'JPY')).toBe('1,234 JPY');
    expect(formatMinor('1500', 'KWD')).toBe('1.500 KWD');
    // Past 2^53: a float would round this.
    expect(formatMinor('9007199254740993', 'EUR')).toBe('90,071,992,547,409.93 EUR');
  });

  it('reads what staff type as minor units, refusing what the currency cannot hold', () => {
    expect(parseMajor('250', 'EUR')).toBe('25000');
    expect(parseMajor(' -12.5 ', 'EUR')).toBe('-1250');
    expect(parseMajor('0.07', 'EUR')).toBe('7');
    expect(parseMajor('0.1', 'EUR')).toBe('10');
    expect(parseMajor('1.005', 'EUR')).toBeNull();
    expect(parseMajor('1.5', 'JPY')).toBeNull();
    expect(parseMajor('0', 'EUR')).toBeNull();
    expect(parseMajor('1e3', 'EUR')).toBeNull();
    expect(parseMajor('', 'EUR')).toBeNull();
  });
});
