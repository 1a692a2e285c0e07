import { validateReportQuery } from './report-query';
import { renderReportStatement } from './report-sql';

describe('renderReportStatement', () => {
  const query = validateReportQuery({
    measures: ['ngr', 'hold_pct', 'deposits_amount'],
    dimensions: ['currency', 'day'],
    filters: [{ dimension: 'country', operator: 'in', values: ["GB' OR 1=1 --", 'back\\slash', 'DE'] }],
    timeZone: 'Europe/Berlin',
    dateRange: { from: '2026-11-01', to: '2026-11-30' },
  });
  const options = { taxRates: new Map([['GB', 1500n]]), limit: 10_001 };

  it('renders one statement over the gaming and money rollups (reviewed here: a change of the SQL shows in this diff)', () => {
    const gaming =
      "SELECT toString(`currency`) AS `d_currency`, toDate(bucket, 'Europe/Berlin') AS `d_day`, " +
      'toInt64(0) AS `b_bonus_cost`, toInt64(0) AS `b_deposits_amount`, ' +
      'toInt64(intDiv((sum(stake_cash) - sum(rolled_back_stake_cash) - (sum(win_cash) - sum(rolled_back_win_cash))) ' +
      "* multiIf(toString(`country`) = 'GB', 1500, 0), 10000)) AS `b_gaming_tax`, " +
      'toInt64(sum(stake_bonus) - sum(rolled_back_stake_bonus)) AS `b_net_stake_bonus`, ' +
      'toInt64(sum(stake_cash) - sum(rolled_back_stake_cash)) AS `b_net_stake_cash`, ' +
      'toInt64(sum(win_cash) - sum(rolled_back_win_cash)) AS `b_net_win_cash` FROM gaming_15m ' +
      "WHERE bucket >= toDateTime('2026-11-01 00:00:00', 'Europe/Berlin') " +
      "AND bucket < toDateTime('2026-12-01 00:00:00', 'Europe/Berlin') " +
      "AND toString(`country`) IN ('DE', 'GB\\' OR 1=1 --', 'back\\\\slash') " +
      'GROUP BY `d_currency`, `d_day`, toString(`country`)';
    const money =
      "SELECT toString(`currency`) AS `d_currency`, toDate(bucket, 'Europe/Berlin') AS `d_day`, " +
      "toInt64(sumIf(cash_amount, transaction_type IN ('bonus_convert'))) AS `b_bonus_cost`, " +
      "toInt64(sumIf(cash_amount, transaction_type = 'deposit')) AS `b_deposits_amount`, " +
      'toInt64(0) AS `b_gaming_tax`, toInt64(0) AS `b_net_stake_bonus`, toInt64(0) AS `b_net_stake_cash`, ' +
      'toInt64(0) AS `b_net_win_cash` FROM money_15m ' +
      "WHERE bucket >= toDateTime('2026-11-01 00:00:00', 'Europe/Berlin') " +
      "AND bucket < toDateTime('2026-12-01 00:00:00', 'Europe/Berlin') " +
      "AND toString(`country`) IN ('DE', 'GB\\' OR 1=1 --', 'back\\\\slash') " +
      'GROUP BY `d_currency`, `d_day`';
    const sums =
      'SELECT `d_currency`, `d_day`, sum(`b_bonus_cost`) AS `s_bonus_cost`, ' +
      'sum(`b_deposits_amount`) AS `s_deposits_amount`, sum(`b_gaming_tax`) AS `s_gaming_tax`, ' +
      'sum(`b_net_stake_bonus`) AS `s_net_stake_bonus`, sum(`b_net_stake_cash`) AS `s_net_stake_cash`, ' +
      'sum(`b_net_win_cash`) AS `s_net_win_cash`, s_deposits_amount AS `m_deposits_amount`, ' +
      'if((s_net_stake_cash + s_net_stake_bonus) = 0, NULL, intDivOrZero((s_net_stake_cash - s_net_win_cash) * 10000, ' +
      '(s_net_stake_cash + s_net_stake_bonus))) AS `m_hold_pct`, ' +
      '(s_net_stake_cash - s_net_win_cash) - s_bonus_cost - s_gaming_tax AS `m_ngr` ' +
      `FROM (${gaming} UNION ALL ${money}) GROUP BY \`d_currency\`, \`d_day\``;
    expect(renderReportStatement(query, query.dimensions, options).sql).toBe(
      'SELECT `d_currency` AS `currency`, toString(`d_day`) AS `day`, toString(`m_deposits_amount`) AS `deposits_amount`, ' +
        "concat(if(`m_hold_pct` < 0, '-', ''), toString(intDiv(abs(`m_hold_pct`), 100)), '.', " +
        'substring(toString(100 + abs(`m_hold_pct`) % 100), 2, 2)) AS `hold_pct`, toString(`m_ngr`) AS `ngr` ' +
        `FROM (${sums}) ORDER BY \`d_currency\`, \`d_day\` LIMIT 10001`,
    );
  });

  it('reads the gaming measures from the rollup it is given, the others from theirs', () => {
    const sql = renderReportStatement(query, query.dimensions, { ...options, gamingRollup: 'gaming_1h' }).sql;
    expect(sql).toContain(' FROM gaming_1h WHERE ');
    expect(sql).toContain(' FROM money_15m WHERE ');
    expect(sql).not.toContain('gaming_15m');
  });

  it('takes no tax and no country grouping without rates, and no limit for an export', () => {
    const sql = renderReportStatement(query, query.dimensions, { taxRates: new Map(), limit: null }).sql;
    expect(sql).toContain('toInt64(0) AS `b_gaming_tax`');
    expect(sql).not.toContain('GROUP BY `d_currency`, `d_day`, toString(`country`)');
    expect(sql).not.toContain('LIMIT');
  });

  it('reads first deposits from their merged states, by the first deposit time', () => {
    const ftd = validateReportQuery({
      measures: ['ftd_count'],
      dimensions: ['month'],
      filters: [{ dimension: 'country', operator: 'equals', values: ['GB'] }],
      timeZone: 'UTC',
      dateRange: { from: '2026-11-01', to: '2026-11-30' },
    });
    const sql = renderReportStatement(ftd, ftd.dimensions, options).sql;
    expect(sql).toContain('minMerge(first_at) AS first_time, argMinMerge(first_amount) AS first_value');
    expect(sql).toContain("toStartOfMonth(first_time, 'UTC') AS `d_month`");
    expect(sql).toContain("toString(`player_country`) IN ('GB')");
  });
});
