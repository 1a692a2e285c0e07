import { Hub88AmountError, hub88ToMinor, minorToHub88 } from './hub88-amount';

describe('Hub88 amounts (×100000, reference §2)', () => {
  it.each([
    [356000, 'USD', 356n], // $3.56
    [100000000, 'EUR', 100000n], // €1000
    [100000, 'EUR', 100n],
    [0, 'EUR', 0n],
    [100000, 'JPY', 1n],
    [1000000, 'JPY', 10n],
    [100, 'KWD', 1n], // 0.001 KWD
  ])('converts %i %s to %s minor units and back', (hub88, currency, minor) => {
    expect(hub88ToMinor(hub88, currency)).toBe(minor);
    expect(minorToHub88(minor, currency)).toBe(hub88);
  });

  it.each([
    ['0.00001 EUR, finer than a cent', 1, 'EUR'],
    ['999 (0.00999 EUR)', 999, 'EUR'],
    ['half a yen', 50000, 'JPY'],
    ['a negative amount', -100000, 'EUR'],
    ['a fraction', 1000.5, 'EUR'],
    ['an unsafe integer', 2 ** 60, 'EUR'],
    ['an unknown currency', 100000, 'XXX'],
  ])('refuses %s', (_label, amount, currency) => {
    expect(() => hub88ToMinor(amount, currency)).toThrow(Hub88AmountError);
  });

  it('refuses a balance too large to be an exact JSON integer', () => {
    expect(() => minorToHub88(10n ** 15n, 'EUR')).toThrow(Hub88AmountError);
  });
});
