import { DomainError } from '@casino/contracts';
import { PRODUCT_TYPES, type BonusTerms, type BonusTermsInput, type ProductType } from './bonus-template.types';

/** UKGC LCCP SR 5.1.1 (in force since 19 January 2026): wagering at most 10x the bonus for GB players. */
export const GB_MAX_WAGERING_MULTIPLIER = 10;
export const MAX_WAGERING_MULTIPLIER = 100;
const CATEGORY = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const COUNTRY = /^[A-Z]{2}$/;

/** One violated rule: a stable reason and the field it concerns. */
export interface TermsViolation {
  field: string;
  reason: string;
}

/**
 * Checks a template's terms against the jurisdiction rules (docs/bonuses.md) and answers the accepted terms, or
 * throws BONUS_TERMS_INVALID (422) listing every violation. Pure: no clock, no database.
 */
export function validateBonusTerms(input: BonusTermsInput): BonusTerms {
  const violations = [...kindViolations(input), ...wageringViolations(input), ...otherViolations(input)];
  const productType = productTypeOf(input.productTypes, violations);
  if (violations.length > 0 || !productType) {
    throw new DomainError('BONUS_TERMS_INVALID', 'The bonus terms break a rule', { violations });
  }
  const { productTypes: _productTypes, ...terms } = input;
  return { ...terms, productType };
}

/** Whether GB players can receive this template (an empty list means every country). */
export function appliesToGb(eligibleCountries: string[]): boolean {
  return eligibleCountries.length === 0 || eligibleCountries.includes('GB');
}

function productTypeOf(types: string[], violations: TermsViolation[]): ProductType | null {
  const distinct = [...new Set(types)];
  if (distinct.length !== 1) {
    violations.push({ field: 'productTypes', reason: 'one_product_type_per_bonus' });
    return null;
  }
  const type = distinct[0] as ProductType;
  if (!PRODUCT_TYPES.includes(type)) {
    violations.push({ field: 'productTypes', reason: 'unknown_product_type' });
    return null;
  }
  return type;
}

/** The fields each kind requires; every other kind's own fields are refused. */
const KIND_FIELDS = {
  deposit_match: ['matchPercent', 'maxBonus', 'minDeposit'],
  no_deposit: ['amount'],
  free_spins: ['providerCode', 'gameCode', 'spinCount', 'spinValue'],
  cashback: ['cashbackPercent', 'periodDays'],
} as const satisfies Record<BonusTermsInput['kind'], readonly (keyof BonusTermsInput)[]>;

function kindViolations(input: BonusTermsInput): TermsViolation[] {
  const out: TermsViolation[] = [];
  // The kind's own fields first, then the others' (a stable order of violations).
  const kinds = Object.entries(KIND_FIELDS).sort(([a], [b]) => Number(b === input.kind) - Number(a === input.kind));
  for (const [kind, fields] of kinds) {
    for (const field of fields) {
      if (kind === input.kind && input[field] === undefined) out.push({ field, reason: `required_for_${kind}` });
      if (kind !== input.kind && input[field] !== undefined) out.push({ field, reason: `not_for_${input.kind}` });
    }
  }
  const amounts = [
    ['maxBonus', input.maxBonus],
    ['minDeposit', input.minDeposit],
    ['amount', input.amount],
    ['maxBet', input.maxBet],
    ['maxConversion', input.maxConversion],
    ['spinValue', input.spinValue],
  ] as const;
  for (const [field, value] of amounts) if (value !== undefined && value <= 0n) out.push({ field, reason: 'positive' });
  return out;
}

function wageringViolations(input: BonusTermsInput): TermsViolation[] {
  const multiplier = input.wageringMultiplier;
  if (!Number.isInteger(multiplier) || multiplier < 0 || multiplier > MAX_WAGERING_MULTIPLIER) {
    return [{ field: 'wageringMultiplier', reason: 'out_of_range' }];
  }
  if (appliesToGb(input.eligibleCountries) && multiplier > GB_MAX_WAGERING_MULTIPLIER) {
    return [{ field: 'wageringMultiplier', reason: 'gb_max_10x_bonus' }];
  }
  return [];
}

function otherViolations(input: BonusTermsInput): TermsViolation[] {
  const out: TermsViolation[] = [];
  const weights = Object.entries(input.gameWeights);
  for (const [category, weight] of weights) {
    if (!CATEGORY.test(category)) out.push({ field: `gameWeights.${category}`, reason: 'invalid_category' });
    if (!isPercent(weight)) out.push({ field: `gameWeights.${category}`, reason: 'percent_0_to_100' });
  }
  if (!isPercent(input.defaultWeight)) out.push({ field: 'defaultWeight', reason: 'percent_0_to_100' });
  if (!Number.isInteger(input.validityDays) || input.validityDays < 1 || input.validityDays > 365) {
    out.push({ field: 'validityDays', reason: 'out_of_range' });
  }
  if (input.eligibleCountries.some((country) => !COUNTRY.test(country))) {
    out.push({ field: 'eligibleCountries', reason: 'iso_3166_alpha_2' });
  }
  if (input.kind === 'deposit_match' && input.matchPercent !== undefined) {
    if (!Number.isInteger(input.matchPercent) || input.matchPercent < 1 || input.matchPercent > 1000) {
      out.push({ field: 'matchPercent', reason: 'out_of_range' });
    }
  }
  if (
    input.spinCount !== undefined &&
    (!Number.isInteger(input.spinCount) || input.spinCount < 1 || input.spinCount > 1000)
  ) {
    out.push({ field: 'spinCount', reason: 'out_of_range' });
  }
  // Free spins are created at the provider when granted: there is no offer to accept first.
  if (input.kind === 'free_spins' && input.optIn) out.push({ field: 'optIn', reason: 'not_for_free_spins' });
  if (input.cashbackPercent !== undefined && !isPercent(input.cashbackPercent)) {
    out.push({ field: 'cashbackPercent', reason: 'percent_0_to_100' });
  } else if (input.cashbackPercent === 0) out.push({ field: 'cashbackPercent', reason: 'positive' });
  if (
    input.periodDays !== undefined &&
    (!Number.isInteger(input.periodDays) || input.periodDays < 1 || input.periodDays > 31)
  ) {
    out.push({ field: 'periodDays', reason: 'out_of_range' });
  }
  return out;
}

function isPercent(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 100;
}
