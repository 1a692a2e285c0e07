import { validateReportQuery } from './report-query';
import { renderSourceStatement } from './report-sql';

describe('renderSourceStatement', () => {
  const query = validateReportQuery({
    measures: ['ggr'],
    dimensions: ['category', 'currency', 'day'],
    filters: [{ dimension: 'country', operator: 'in', values: ["GB' OR 1=1 --", 'back\\slash', 'DE'] }],
    timeZone: 'Europe/Berlin',
    dateRange: { from: '2026-11-01', to: '2026-11-30' },
  });

  it('renders the gaming statement (reviewed here: a change of the SQL shows in this diff)', () => {
    expect(renderSourceStatement('gaming', query, query.dimensions).sql).toBe(
      'SELECT toString(`game_category`) AS `d_category`, toString(`currency`) AS `d_currency`, ' +
        "toString(toDate(bucket, 'Europe/Berlin')) AS `d_day`, sum(bets_count) AS `b_bets_count`, " +
        'sum(stake_cash) - sum(rolled_back_stake_cash) AS `b_net_stake_cash`, ' +
        'sum(stake_bonus) - sum(rolled_back_stake_bonus) AS `b_net_stake_bonus`, ' +
        'sum(win_cash) - sum(rolled_back_win_cash) AS `b_net_win_cash` FROM gaming_15m ' +
        'ANY LEFT JOIN (SELECT provider, game_code, argMax(category, version) AS game_category FROM games ' +
        'GROUP BY provider, game_code) USING (provider, game_code) ' +
        "WHERE bucket >= toDateTime('2026-11-01 00:00:00', 'Europe/Berlin') " +
        "AND bucket < toDateTime('2026-12-01 00:00:00', 'Europe/Berlin') " +
        "AND toString(`country`) IN ('DE', 'GB\\' OR 1=1 --', 'back\\\\slash') " +
        'GROUP BY `d_category`, `d_currency`, `d_day` LIMIT 10001',
    );
  });

  it('reads first deposits from their merged states, by the first deposit time', () => {
    const ftd = validateReportQuery({
      measures: ['ftd_count'],
      dimensions: ['month'],
      filters: [{ dimension: 'country', operator: 'equals', values: ['GB'] }],
      timeZone: 'UTC',
      dateRange: { from: '2026-11-01', to: '2026-11-30' },
    });
    const sql = renderSourceStatement('first_deposits', ftd, ftd.dimensions).sql;
    expect(sql).toContain('minMerge(first_at) AS first_time, argMinMerge(first_amount) AS first_value');
    expect(sql).toContain("toString(toStartOfMonth(first_time, 'UTC')) AS `d_month`");
    expect(sql).toContain("toString(`player_country`) IN ('GB')");
  });
});
