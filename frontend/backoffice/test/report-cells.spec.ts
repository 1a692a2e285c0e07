import type { ReportResult } from '../src/api/types';
import { currencyOf, measureText, UNDEFINED_CELL } from '../src/reports/report-cells';

const query = (filters: ReportResult['query']['filters']): ReportResult['query'] => ({
  measures: ['ggr'],
  dimensions: ['day'],
  filters,
  timeZone: 'Europe/Berlin',
  dateRange: { from: '2026-11-01', to: '2026-11-30' },
});

describe('report cells: the API strings shown exactly, never through a float', () => {
  it('shows money in the row currency, counts grouped, a percent as the API wrote it, x/0 as a dash', () => {
    expect(measureText('money', '-120050', 'EUR')).toBe('-1,200.50 EUR');
    // Past 2^53: Number() would round it.
    expect(measureText('money', '9007199254740993', 'EUR')).toBe('90,071,992,547,409.93 EUR');
    expect(measureText('money', '1234', 'JPY')).toBe('1,234 JPY');
    expect(measureText('count', '1234567', null)).toBe('1,234,567');
    expect(measureText('percent', '-0.05', 'EUR')).toBe('-0.05 %');
    expect(measureText('percent', null, 'EUR')).toBe(UNDEFINED_CELL);
  });

  it("takes a row's money currency from its currency column, else from a one-currency filter", () => {
    expect(currencyOf({ currency: 'GBP', ggr: '1' }, query([]))).toBe('GBP');
    expect(currencyOf({ ggr: '1' }, query([{ dimension: 'currency', values: ['EUR'] }]))).toBe('EUR');
    expect(currencyOf({ ggr: '1' }, query([{ dimension: 'country', values: ['GB'] }]))).toBeNull();
  });
});
