import { assembleRows, percent } from './report-result';

describe('assembleRows', () => {
  it('joins sources on the dimensions and sums the tax of each country away when country is not asked for', () => {
    const rates = new Map([['GB', 1500n]]);
    const rows = assembleRows(
      ['currency'],
      ['ggr', 'gaming_tax', 'ngr', 'active_players', 'arpu'],
      [
        {
          dimensions: ['currency', 'country'],
          bases: ['net_stake_cash', 'net_win_cash'],
          rows: [
            { d_currency: 'GBP', d_country: 'GB', b_net_stake_cash: '1000', b_net_win_cash: '333' },
            { d_currency: 'GBP', d_country: 'DE', b_net_stake_cash: '500', b_net_win_cash: '0' },
          ],
        },
        { dimensions: ['currency'], bases: ['active_players'], rows: [{ d_currency: 'GBP', b_active_players: '2' }] },
      ],
      (country) => rates.get(country) ?? 0n,
    );
    // Tax 667 * 15% = 100.05 -> 100 (truncated); ARPU 1167 / 2 -> 583.
    expect(rows).toEqual([
      { currency: 'GBP', ggr: '1167', gaming_tax: '100', ngr: '1067', active_players: '2', arpu: '583' },
    ]);
  });

  it('gives null for a ratio over nothing', () => {
    expect(assembleRows([], ['hold_pct', 'arpu'], [], () => 0n)).toEqual([]);
    const rows = assembleRows(
      [],
      ['hold_pct', 'arpu'],
      [{ dimensions: [], bases: ['net_stake_cash'], rows: [{ b_net_stake_cash: '0' }] }],
      () => 0n,
    );
    expect(rows).toEqual([{ hold_pct: null, arpu: null }]);
  });

  it('prints basis points as a percent with two decimals', () => {
    expect([percent(450n), percent(-5n), percent(10_000n), percent(0n)]).toEqual(['4.50', '-0.05', '100.00', '0.00']);
  });
});
