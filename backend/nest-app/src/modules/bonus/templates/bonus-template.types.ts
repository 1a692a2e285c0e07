export const BONUS_KINDS = ['deposit_match', 'no_deposit', 'free_spins', 'cashback'] as const;
export type BonusKind = (typeof BONUS_KINDS)[number];

/** UKGC LCCP SR 5.1.1: one incentive may not mix these. */
export const PRODUCT_TYPES = ['casino', 'betting', 'bingo'] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

/** The terms as staff submit them, before the rules check them. Amounts are minor units of `currency`. */
export interface BonusTermsInput {
  name: string;
  kind: BonusKind;
  /** Exactly one is accepted; a list so that a mixed incentive is refused with a clear code. */
  productTypes: string[];
  currency: string;
  matchPercent?: number;
  maxBonus?: bigint;
  minDeposit?: bigint;
  amount?: bigint;
  /** Free spins: the provider and its game the spins are played on. */
  providerCode?: string;
  gameCode?: string;
  /** Free spins: how many, and the bet value of each (minor units). */
  spinCount?: number;
  spinValue?: bigint;
  /** Cashback: percent (1-100) of the net cash losses of each period of `periodDays` (1-31) days. */
  cashbackPercent?: number;
  periodDays?: number;
  /** Multiple of the bonus amount (free spins: of their winnings) that must be wagered before conversion. */
  wageringMultiplier: number;
  /** Percent (0-100) of a stake that counts towards wagering, by game category. */
  gameWeights: Record<string, number>;
  /** Weight of a category not listed in `gameWeights`. */
  defaultWeight: number;
  maxBet: bigint;
  validityDays: number;
  maxConversion?: bigint;
  /** ISO 3166-1 alpha-2; empty means every country (so GB's rules apply). */
  eligibleCountries: string[];
  optIn: boolean;
}

/** Accepted terms: never changed once stored. */
export interface BonusTerms extends Omit<BonusTermsInput, 'productTypes'> {
  productType: ProductType;
}

export interface BonusTemplate extends BonusTerms {
  id: string;
  createdBy: string;
  createdAt: Date;
  retiredAt: Date | null;
}
