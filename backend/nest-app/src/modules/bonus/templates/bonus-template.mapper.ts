import type { BonusTemplate, BonusTermsInput } from './bonus-template.types';
import type { BonusTemplateDto, CreateBonusTemplateDto } from './dto/bonus-template.dto';

const big = (value: string | undefined): bigint | undefined => (value === undefined ? undefined : BigInt(value));

export function termsFromDto(body: CreateBonusTemplateDto): BonusTermsInput {
  return {
    name: body.name,
    kind: body.kind,
    productTypes: body.productTypes,
    currency: body.currency,
    matchPercent: body.matchPercent,
    maxBonus: big(body.maxBonus),
    minDeposit: big(body.minDeposit),
    amount: big(body.amount),
    providerCode: body.providerCode,
    gameCode: body.gameCode,
    spinCount: body.spinCount,
    spinValue: big(body.spinValue),
    cashbackPercent: body.cashbackPercent,
    periodDays: body.periodDays,
    wageringMultiplier: body.wageringMultiplier,
    gameWeights: body.gameWeights,
    defaultWeight: body.defaultWeight,
    maxBet: BigInt(body.maxBet),
    validityDays: body.validityDays,
    maxConversion: big(body.maxConversion),
    eligibleCountries: body.eligibleCountries,
    optIn: body.optIn,
  };
}

export function templateToDto(template: BonusTemplate): BonusTemplateDto {
  return {
    id: template.id,
    name: template.name,
    kind: template.kind,
    productType: template.productType,
    currency: template.currency,
    ...(template.matchPercent === undefined ? {} : { matchPercent: template.matchPercent }),
    ...(template.maxBonus === undefined ? {} : { maxBonus: template.maxBonus.toString() }),
    ...(template.minDeposit === undefined ? {} : { minDeposit: template.minDeposit.toString() }),
    ...(template.amount === undefined ? {} : { amount: template.amount.toString() }),
    ...(template.providerCode === undefined ? {} : { providerCode: template.providerCode }),
    ...(template.gameCode === undefined ? {} : { gameCode: template.gameCode }),
    ...(template.spinCount === undefined ? {} : { spinCount: template.spinCount }),
    ...(template.spinValue === undefined ? {} : { spinValue: template.spinValue.toString() }),
    ...(template.cashbackPercent === undefined ? {} : { cashbackPercent: template.cashbackPercent }),
    ...(template.periodDays === undefined ? {} : { periodDays: template.periodDays }),
    wageringMultiplier: template.wageringMultiplier,
    gameWeights: template.gameWeights,
    defaultWeight: template.defaultWeight,
    maxBet: template.maxBet.toString(),
    validityDays: template.validityDays,
    ...(template.maxConversion === undefined ? {} : { maxConversion: template.maxConversion.toString() }),
    eligibleCountries: template.eligibleCountries,
    optIn: template.optIn,
    createdAt: template.createdAt.toISOString(),
    retiredAt: template.retiredAt ? template.retiredAt.toISOString() : null,
  };
}
