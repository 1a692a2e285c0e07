import { minorUnits } from './fact-rows';

describe('minorUnits', () => {
  it('keeps integer strings exact past 2^53 and up to Int64 bounds', () => {
    expect(minorUnits('9007199254740993')).toBe('9007199254740993');
    expect(minorUnits('9223372036854775807')).toBe('9223372036854775807');
    expect(minorUnits('-9223372036854775808')).toBe('-9223372036854775808');
    expect(minorUnits('007')).toBe('7');
  });

  it('refuses what is not an Int64 integer rather than load a wrong amount', () => {
    for (const bad of ['1.5', '0x10', '', ' 1', '1e3', '9223372036854775808', '-9223372036854775809']) {
      expect(() => minorUnits(bad)).toThrow(RangeError);
    }
  });
});
