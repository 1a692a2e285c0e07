import { MEASURES, SUMMED_BASES, type MeasureDefinition } from '../catalogue/report-measures';
import { sumRows, totalsAreSums } from './report-totals';

describe('totals summed from rows', () => {
  it('are taken only for measures whose bases are all plain sums', () => {
    for (const [name, measure] of Object.entries(MEASURES) as [string, MeasureDefinition][]) {
      if (measure.additive) expect([name, measure.bases.every((base) => SUMMED_BASES.has(base))]).toEqual([name, true]);
    }
    expect(totalsAreSums({ measures: ['ggr', 'turnover', 'deposits_amount'] })).toBe(true);
    // A ratio, a distinct count and a tax truncated per row are not the sums of their rows.
    expect(totalsAreSums({ measures: ['ggr', 'hold_pct'] })).toBe(false);
    expect(totalsAreSums({ measures: ['active_players'] })).toBe(false);
    expect(totalsAreSums({ measures: ['ngr'] })).toBe(false);
  });

  it('sum exactly beyond 2^53, per currency in order when currency is a dimension', () => {
    const rows = [
      { currency: 'GBP', day: '2026-11-01', ggr: '9007199254740993', bets_count: '1' },
      { currency: 'EUR', day: '2026-11-01', ggr: '-5', bets_count: '2' },
      { currency: 'GBP', day: '2026-11-02', ggr: '9007199254740993', bets_count: '3' },
    ];
    expect(sumRows(rows, { measures: ['bets_count', 'ggr'], dimensions: ['currency', 'day'] })).toEqual([
      { currency: 'EUR', bets_count: '2', ggr: '-5' },
      { currency: 'GBP', bets_count: '4', ggr: '18014398509481986' },
    ]);
  });

  it('answer one row of zeros without currency and without rows, as the totals statement does', () => {
    expect(sumRows([], { measures: ['ggr'], dimensions: ['day'] })).toEqual([{ ggr: '0' }]);
    expect(sumRows([], { measures: ['ggr'], dimensions: ['currency', 'day'] })).toEqual([]);
  });
});
