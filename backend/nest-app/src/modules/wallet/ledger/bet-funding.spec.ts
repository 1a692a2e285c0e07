import fc from 'fast-check';
import { splitStake } from './bet-funding';

describe('splitStake', () => {
  it('draws cash first and only the rest from bonus', () => {
    expect(splitStake(300n, 1000n, 500n, 'cash_first')).toEqual({ fromCash: 300n, fromBonus: 0n });
    expect(splitStake(1200n, 1000n, 500n, 'cash_first')).toEqual({ fromCash: 1000n, fromBonus: 200n });
    expect(splitStake(1500n, 1000n, 500n, 'cash_first')).toEqual({ fromCash: 1000n, fromBonus: 500n });
  });

  it('refuses what cash and bonus together cannot cover', () => {
    expect(splitStake(1501n, 1000n, 500n, 'cash_first')).toBeNull();
  });

  it('draws bonus-only stakes from bonus alone, never from cash', () => {
    expect(splitStake(200n, 1000n, 500n, 'bonus_only')).toEqual({ fromCash: 0n, fromBonus: 200n });
    expect(splitStake(501n, 1_000_000n, 500n, 'bonus_only')).toBeNull();
  });

  it('takes a zero stake from nothing', () => {
    expect(splitStake(0n, 0n, 0n, 'cash_first')).toEqual({ fromCash: 0n, fromBonus: 0n });
  });

  it('always splits into exactly the stake, within each balance', () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 15n });
    fc.assert(
      fc.property(
        amount,
        amount,
        amount,
        fc.constantFrom('cash_first' as const, 'bonus_only' as const),
        (stake, cash, bonus, funding) => {
          const split = splitStake(stake, cash, bonus, funding);
          const coverable = funding === 'bonus_only' ? bonus >= stake : cash + bonus >= stake;
          expect(split !== null).toBe(coverable);
          if (split) {
            expect(split.fromCash + split.fromBonus).toBe(stake);
            expect(split.fromCash >= 0n && split.fromCash <= cash).toBe(true);
            expect(split.fromBonus >= 0n && split.fromBonus <= bonus).toBe(true);
            if (funding === 'cash_first') expect(split.fromBonus === 0n || split.fromCash === cash).toBe(true);
          }
        },
      ),
    );
  });
});
