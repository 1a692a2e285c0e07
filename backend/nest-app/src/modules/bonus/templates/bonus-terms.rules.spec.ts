import { DomainError } from '@casino/contracts';
import type { BonusTermsInput } from './bonus-template.types';
import { validateBonusTerms } from './bonus-terms.rules';

/** Facts: shared/reference/bonuses.md (UKGC LCCP SR 5.1.1: at most 10x the bonus, one product type). */
const depositMatch: BonusTermsInput = {
  name: 'Welcome 100 %',
  kind: 'deposit_match',
  productTypes: ['casino'],
  currency: 'GBP',
  matchPercent: 100,
  maxBonus: 10_000n,
  minDeposit: 1_000n,
  wageringMultiplier: 10,
  gameWeights: { slots: 100, table: 10, jackpot: 0 },
  defaultWeight: 0,
  maxBet: 500n,
  validityDays: 30,
  maxConversion: 20_000n,
  eligibleCountries: ['GB', 'IE'],
  optIn: true,
};

function violationsOf(input: BonusTermsInput): { field: string; reason: string }[] {
  try {
    validateBonusTerms(input);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    expect(error.code).toBe('BONUS_TERMS_INVALID');
    expect(error.category).toBe('business_rule');
    return (error.details?.violations ?? []) as { field: string; reason: string }[];
  }
  throw new Error('the terms were accepted');
}

describe('validateBonusTerms', () => {
  it('accepts a GB deposit match at exactly 10x the bonus and keeps its one product type', () => {
    const terms = validateBonusTerms(depositMatch);
    expect(terms.productType).toBe('casino');
    expect(terms.wageringMultiplier).toBe(10);
    expect(terms).not.toHaveProperty('productTypes');
  });

  it('refuses 11x for a template GB players can receive', () => {
    expect(violationsOf({ ...depositMatch, wageringMultiplier: 11 })).toEqual([
      { field: 'wageringMultiplier', reason: 'gb_max_10x_bonus' },
    ]);
  });

  it('applies the GB cap when the template is open to every country', () => {
    expect(violationsOf({ ...depositMatch, eligibleCountries: [], wageringMultiplier: 35 })).toEqual([
      { field: 'wageringMultiplier', reason: 'gb_max_10x_bonus' },
    ]);
  });

  it('allows more than 10x where GB players are not eligible, within the absolute range', () => {
    expect(
      validateBonusTerms({ ...depositMatch, eligibleCountries: ['MT'], wageringMultiplier: 35 }).wageringMultiplier,
    ).toBe(35);
    expect(violationsOf({ ...depositMatch, eligibleCountries: ['MT'], wageringMultiplier: 101 })).toEqual([
      { field: 'wageringMultiplier', reason: 'out_of_range' },
    ]);
  });

  it('refuses a bonus mixing product types, and one with none', () => {
    expect(violationsOf({ ...depositMatch, productTypes: ['casino', 'betting'] })).toEqual([
      { field: 'productTypes', reason: 'one_product_type_per_bonus' },
    ]);
    expect(violationsOf({ ...depositMatch, productTypes: [] })).toEqual([
      { field: 'productTypes', reason: 'one_product_type_per_bonus' },
    ]);
    expect(violationsOf({ ...depositMatch, productTypes: ['poker'] })).toEqual([
      { field: 'productTypes', reason: 'unknown_product_type' },
    ]);
  });

  it('needs percent, cap and minimum deposit for a deposit match, and only an amount for a no-deposit bonus', () => {
    const { matchPercent: _p, maxBonus: _m, minDeposit: _d, ...bare } = depositMatch;
    expect(violationsOf(bare).map((v) => v.field)).toEqual(['matchPercent', 'maxBonus', 'minDeposit']);
    expect(violationsOf({ ...depositMatch, kind: 'no_deposit' }).map((v) => v.field)).toEqual([
      'amount',
      'matchPercent',
      'maxBonus',
      'minDeposit',
    ]);
    expect(validateBonusTerms({ ...bare, kind: 'no_deposit', amount: 1_000n }).amount).toBe(1_000n);
  });

  it('refuses weights outside 0-100 %, a zero max bet, a bad country and a bad validity, all at once', () => {
    const violations = violationsOf({
      ...depositMatch,
      gameWeights: { slots: 101, 'Bad Name': 10 },
      maxBet: 0n,
      eligibleCountries: ['gb'],
      validityDays: 0,
    });
    expect(violations).toEqual(
      expect.arrayContaining([
        { field: 'gameWeights.slots', reason: 'percent_0_to_100' },
        { field: 'gameWeights.Bad Name', reason: 'invalid_category' },
        { field: 'maxBet', reason: 'positive' },
        { field: 'eligibleCountries', reason: 'iso_3166_alpha_2' },
        { field: 'validityDays', reason: 'out_of_range' },
      ]),
    );
  });

  it("needs the game, a spin count and a spin value for free spins, and refuses the money kinds' fields", () => {
    const { matchPercent: _p, maxBonus: _m, minDeposit: _d, ...rest } = depositMatch;
    const freeSpins: BonusTermsInput = {
      ...rest,
      kind: 'free_spins',
      providerCode: 'demo',
      gameCode: 'demo_lucky_sevens',
      spinCount: 20,
      spinValue: 20n,
      optIn: false,
    };
    expect(validateBonusTerms(freeSpins)).toMatchObject({ kind: 'free_spins', spinCount: 20, spinValue: 20n });
    const { gameCode: _g, ...withoutGame } = freeSpins;
    expect(violationsOf({ ...withoutGame, amount: 500n, spinCount: 0, spinValue: 0n })).toEqual([
      { field: 'gameCode', reason: 'required_for_free_spins' },
      { field: 'amount', reason: 'not_for_free_spins' },
      { field: 'spinValue', reason: 'positive' },
      { field: 'spinCount', reason: 'out_of_range' },
    ]);
    expect(violationsOf({ ...freeSpins, optIn: true })).toEqual([{ field: 'optIn', reason: 'not_for_free_spins' }]);
    expect(violationsOf({ ...depositMatch, spinCount: 5 })).toEqual([
      { field: 'spinCount', reason: 'not_for_deposit_match' },
    ]);
  });

  it('needs a percent and a period for cashback, each in range', () => {
    const { matchPercent: _p, maxBonus: _m, minDeposit: _d, ...rest } = depositMatch;
    const cashback: BonusTermsInput = { ...rest, kind: 'cashback', cashbackPercent: 10, periodDays: 7 };
    expect(validateBonusTerms({ ...cashback, wageringMultiplier: 0 })).toMatchObject({ kind: 'cashback' });
    expect(violationsOf({ ...cashback, cashbackPercent: 0, periodDays: 32 })).toEqual([
      { field: 'cashbackPercent', reason: 'positive' },
      { field: 'periodDays', reason: 'out_of_range' },
    ]);
    const { periodDays: _period, ...noPeriod } = cashback;
    expect(violationsOf({ ...noPeriod, cashbackPercent: 101 })).toEqual([
      { field: 'periodDays', reason: 'required_for_cashback' },
      { field: 'cashbackPercent', reason: 'percent_0_to_100' },
    ]);
  });
});
