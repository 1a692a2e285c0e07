import { PAYMENT_METHODS } from '@casino/contracts';

/** The dimensions a query may group by or filter on (docs/reports.md). Time dimensions are in the query's zone. */
export const TIME_DIMENSIONS = {
  day: { title: 'Day', function: 'toDate' },
  week: { title: 'Week (starting Monday)', function: 'toMonday' },
  month: { title: 'Month', function: 'toStartOfMonth' },
  quarter: { title: 'Quarter', function: 'toStartOfQuarter' },
} as const;

export const ATTRIBUTE_DIMENSIONS = {
  game: { title: 'Game code' },
  provider: { title: 'Game provider' },
  category: { title: 'Game category (games dimension)' },
  country: { title: "Player's country (ISO 3166-1 alpha-2)" },
  currency: { title: 'Currency (ISO 4217)' },
  payment_provider: { title: 'Payment provider' },
  // A closed vocabulary: a filter value outside it is refused (REPORT_FILTER_INVALID) rather than matched.
  payment_method: {
    title: "Payment method (card, bank_transfer, e_wallet; '' when not recorded)",
    values: ['', ...PAYMENT_METHODS],
  },
  brand: { title: 'Brand' },
} as const;

export type TimeDimensionName = keyof typeof TIME_DIMENSIONS;
export type AttributeDimensionName = keyof typeof ATTRIBUTE_DIMENSIONS;
export type DimensionName = TimeDimensionName | AttributeDimensionName;

export function isTimeDimension(name: string): name is TimeDimensionName {
  return Object.hasOwn(TIME_DIMENSIONS, name);
}

/** The values a filter on the dimension may name, when the dimension has a closed vocabulary; null otherwise. */
export function allowedValuesOf(name: AttributeDimensionName): readonly string[] | null {
  const dimension = ATTRIBUTE_DIMENSIONS[name];
  return 'values' in dimension ? dimension.values : null;
}

export function isAttributeDimension(name: string): name is AttributeDimensionName {
  return Object.hasOwn(ATTRIBUTE_DIMENSIONS, name);
}
