import { amlExposure, EXPOSURE_SCALE, reachesAmlThreshold } from './aml-exposure';

/** EUR 2,000 per 4AMLD Art. 11(d) (../shared/reference/responsible-gaming.md), here with USD and JPY equivalents. */
const THRESHOLDS = new Map([
  ['EUR', 200000n],
  ['USD', 200000n],
  ['JPY', 300000n],
]);

describe('AML exposure', () => {
  it('reaches the threshold at exactly EUR 2,000 cumulated, not one cent before', () => {
    expect(reachesAmlThreshold(new Map([['EUR', 150000n]]), 49999n, 'EUR', THRESHOLDS)).toBe(false);
    expect(reachesAmlThreshold(new Map([['EUR', 150000n]]), 50000n, 'EUR', THRESHOLDS)).toBe(true);
  });

  it('links deposits across currencies as fractions of each threshold', () => {
    // Half the EUR threshold plus half the JPY threshold is the whole of it.
    expect(reachesAmlThreshold(new Map([['EUR', 100000n]]), 150000n, 'JPY', THRESHOLDS)).toBe(true);
    expect(reachesAmlThreshold(new Map([['EUR', 100000n]]), 149999n, 'JPY', THRESHOLDS)).toBe(false);
  });

  it('treats a currency without a threshold as already past it', () => {
    expect(reachesAmlThreshold(new Map(), 1n, 'KWD', THRESHOLDS)).toBe(true);
  });

  it('is exact beyond 2^53 minor units', () => {
    expect(amlExposure(new Map([['EUR', 9007199254740993n]]), THRESHOLDS) > EXPOSURE_SCALE).toBe(true);
  });
});
