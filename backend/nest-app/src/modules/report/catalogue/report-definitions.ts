import type { ReportQueryInput } from '../query/report-query';

/** Named reports of the catalogue: a fixed query; the caller gives only the dates. */
export const REPORTS = {
  ukgc_quarterly_return: {
    title: 'UKGC quarterly return: gross gambling yield by product and active players, GB customers',
    description:
      'Quarters (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec) in Europe/London; GGY and active players by game category ' +
      '(product) and currency, players whose country is GB only. Due within 28 days of the quarter end.',
    query: {
      measures: ['ggy', 'active_players'],
      dimensions: ['quarter', 'category', 'currency'],
      filters: [{ dimension: 'country', operator: 'equals', values: ['GB'] }],
      timeZone: 'Europe/London',
    },
  },
} as const satisfies Record<string, { title: string; description: string; query: Omit<ReportQueryInput, 'dateRange'> }>;

export type ReportName = keyof typeof REPORTS;

export function isReportName(name: string): name is ReportName {
  return Object.hasOwn(REPORTS, name);
}
