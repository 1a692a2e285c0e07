import { DomainError } from '@casino/contracts';
import { validateReportQuery, type ReportQueryInput } from './report-query';

const base: ReportQueryInput = {
  measures: ['ggr'],
  dimensions: ['currency'],
  timeZone: 'UTC',
  dateRange: { from: '2026-11-01', to: '2026-11-30' },
};

function codeOf(input: ReportQueryInput): string | undefined {
  try {
    validateReportQuery(input);
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
}

describe('validateReportQuery', () => {
  it('normalizes names and filters so that one question has one cache key', () => {
    const query = validateReportQuery({
      ...base,
      measures: ['turnover', 'ggr', 'ggr'],
      dimensions: ['day', 'currency'],
      filters: [
        { dimension: 'country', operator: 'in', values: ['GB', 'DE', 'GB'] },
        { dimension: 'brand', operator: 'equals', values: ['main'] },
      ],
    });
    expect(query).toEqual({
      measures: ['ggr', 'turnover'],
      dimensions: ['currency', 'day'],
      filters: [
        { dimension: 'brand', values: ['main'] },
        { dimension: 'country', values: ['DE', 'GB'] },
      ],
      timeZone: 'UTC',
      dateRange: { from: '2026-11-01', to: '2026-11-30' },
    });
  });

  it('accepts count measures across currencies, and money filtered to one currency', () => {
    expect(codeOf({ ...base, measures: ['bets_count', 'active_players'], dimensions: [] })).toBeUndefined();
    expect(
      codeOf({ ...base, dimensions: [], filters: [{ dimension: 'currency', operator: 'in', values: ['EUR'] }] }),
    ).toBeUndefined();
  });

  it.each([
    [{ ...base, measures: ['hasOwnProperty'] }, 'REPORT_MEASURE_UNKNOWN'],
    [{ ...base, dimensions: ['toString'] }, 'REPORT_DIMENSION_UNKNOWN'],
    [{ ...base, dimensions: [] }, 'REPORT_CURRENCY_REQUIRED'],
    [{ ...base, measures: ['hold_pct'], dimensions: ['day'] }, 'REPORT_CURRENCY_REQUIRED'],
    [{ ...base, measures: ['deposits_amount'], dimensions: ['game', 'currency'] }, 'REPORT_DIMENSION_NOT_APPLICABLE'],
    [{ ...base, measures: ['ftd_count'], dimensions: ['payment_provider'] }, 'REPORT_DIMENSION_NOT_APPLICABLE'],
    [{ ...base, measures: ['ggr'], dimensions: ['payment_method', 'currency'] }, 'REPORT_DIMENSION_NOT_APPLICABLE'],
    [{ ...base, measures: ['unique_depositors'], dimensions: ['payment_method'] }, 'REPORT_DIMENSION_NOT_APPLICABLE'],
    [
      {
        ...base,
        measures: ['deposits_count'],
        filters: [{ dimension: 'payment_method', operator: 'in', values: ['card', "card' OR '1'='1"] }],
      },
      'REPORT_FILTER_INVALID',
    ],
    [{ ...base, measures: ['bonus_granted'], dimensions: ['game', 'currency'] }, 'REPORT_DIMENSION_NOT_APPLICABLE'],
    [{ ...base, filters: [{ dimension: 'week', operator: 'in', values: ['x'] }] }, 'REPORT_FILTER_INVALID'],
    [
      {
        ...base,
        filters: [
          { dimension: 'country', operator: 'in', values: ['GB'] },
          { dimension: 'country', operator: 'in', values: ['DE'] },
        ],
      },
      'REPORT_FILTER_INVALID',
    ],
    [{ ...base, timeZone: 'Europe/London; --' }, 'REPORT_TIME_ZONE_INVALID'],
    [{ ...base, timeZone: "Europe/London'" }, 'REPORT_TIME_ZONE_INVALID'],
    [{ ...base, dateRange: { from: '2026-13-01', to: '2026-13-02' } }, 'REPORT_DATE_RANGE_INVALID'],
    [{ ...base, dateRange: { from: '2000-01-01', to: '2026-01-01' } }, 'REPORT_DATE_RANGE_INVALID'],
  ] as [ReportQueryInput, string][])('refuses %j with %s', (input, code) => {
    expect(codeOf(input)).toBe(code);
  });
});
