import type { BetFunding } from './ledger.types';

export interface BetSplit {
  fromCash: bigint;
  fromBonus: bigint;
}

/**
 * How a stake is drawn: cash first and the rest from bonus, or bonus only (free bets, bonus rounds).
 * Returns null when the balances cannot cover it.
 */
export function splitStake(amount: bigint, cash: bigint, bonus: bigint, funding: BetFunding): BetSplit | null {
  if (amount < 0n || cash < 0n || bonus < 0n) throw new RangeError('amounts must not be negative');
  if (funding === 'bonus_only') {
    return bonus >= amount ? { fromCash: 0n, fromBonus: amount } : null;
  }
  const fromCash = cash < amount ? cash : amount;
  const fromBonus = amount - fromCash;
  return fromBonus <= bonus ? { fromCash, fromBonus } : null;
}
