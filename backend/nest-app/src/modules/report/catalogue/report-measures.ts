import type { ReportSourceName } from './report-sources';

/**
 * The one place every measure is defined (docs/reports.md explains each with a worked example). A measure reads base
 * figures of one or more rollups (`bases`) and derives its value from their sums in `sql`, in integer minor units.
 */
export type MeasureKind = 'money' | 'count' | 'percent';

export type BaseName =
  | 'bets_count'
  | 'net_stake_cash'
  | 'net_stake_bonus'
  | 'net_win_cash'
  | 'gaming_tax'
  | 'deposits_count'
  | 'deposits_amount'
  | 'withdrawals_count'
  | 'withdrawals_amount'
  | 'bonus_cost'
  | 'active_players'
  | 'unique_depositors'
  | 'ftd_count'
  | 'ftd_amount'
  | 'bonus_granted'
  | 'bonus_converted'
  | 'bonus_removed';

export const BASE_SOURCE: Record<BaseName, ReportSourceName> = {
  bets_count: 'gaming',
  net_stake_cash: 'gaming',
  net_stake_bonus: 'gaming',
  net_win_cash: 'gaming',
  gaming_tax: 'gaming',
  deposits_count: 'money',
  deposits_amount: 'money',
  withdrawals_count: 'money',
  withdrawals_amount: 'money',
  bonus_cost: 'money',
  active_players: 'bettors',
  unique_depositors: 'depositors',
  ftd_count: 'first_deposits',
  ftd_amount: 'first_deposits',
  bonus_granted: 'bonus',
  bonus_converted: 'bonus',
  bonus_removed: 'bonus',
};

export interface MeasureDefinition {
  title: string;
  kind: MeasureKind;
  description: string;
  bases: readonly BaseName[];
  /**
   * The value as ClickHouse SQL over the summed bases (`s_<base>`, Int64; fixed text, no user data): an integer for
   * money and counts; for a percent, hundredths of a percent (basis points); NULL when undefined (x/0). Division
   * truncates toward zero; `if` evaluates both branches in ClickHouse, hence `intDivOrZero` behind the zero test.
   */
  sql: string;
  /**
   * The value over several rows is the sum of its values over each: `sql` adds and subtracts bases that are plain
   * sums of rollup columns (`SUMMED_BASES`). A query of additive measures only takes its totals from its rows.
   */
  additive?: true;
}

/** Bases that are plain sums of rollup columns: their sum over rows is their value over the rows' union. */
export const SUMMED_BASES: ReadonlySet<BaseName> = new Set([
  'bets_count',
  'net_stake_cash',
  'net_stake_bonus',
  'net_win_cash',
  'deposits_count',
  'deposits_amount',
  'withdrawals_count',
  'withdrawals_amount',
  'bonus_cost',
  'bonus_granted',
  'bonus_converted',
  'bonus_removed',
]);

const GGR = '(s_net_stake_cash - s_net_win_cash)';
const TURNOVER = '(s_net_stake_cash + s_net_stake_bonus)';
const ratio = (numerator: string, denominator: string, scale: number): string =>
  `if(${denominator} = 0, NULL, intDivOrZero(${numerator}${scale === 1 ? '' : ` * ${scale}`}, ${denominator}))`;

export const MEASURES = {
  turnover: {
    title: 'Turnover (handle)',
    kind: 'money',
    description: 'Settled stakes, cash and bonus; stakes of rolled-back bets are netted out.',
    bases: ['net_stake_cash', 'net_stake_bonus'],
    sql: TURNOVER,
    additive: true,
  },
  bets_count: {
    title: 'Bets',
    kind: 'count',
    description: 'Bet transactions placed (a bet later rolled back still counts as placed; its stake leaves turnover).',
    bases: ['bets_count'],
    sql: 's_bets_count',
    additive: true,
  },
  ggr: {
    title: 'GGR',
    kind: 'money',
    description: 'Cash stakes minus cash wins, rollbacks of bets and of wins netted out.',
    bases: ['net_stake_cash', 'net_win_cash'],
    sql: GGR,
    additive: true,
  },
  ggy: {
    title: 'GGY (UKGC)',
    kind: 'money',
    description:
      'Stakes minus prizes in cash: bonus stakes are excluded because bonus money here is never withdrawable without restriction.',
    bases: ['net_stake_cash', 'net_win_cash'],
    sql: GGR,
    additive: true,
  },
  hold_pct: {
    title: 'Hold %',
    kind: 'percent',
    description: 'GGR / turnover, in percent with two decimals (truncated); empty when there is no turnover.',
    bases: ['net_stake_cash', 'net_stake_bonus', 'net_win_cash'],
    sql: ratio(GGR, TURNOVER, 10_000),
  },
  bonus_cost: {
    title: 'Bonus cost',
    kind: 'money',
    description:
      'Cash credited by bonus conversions (bonus_convert ledger transactions); free-bet winnings join when free spins exist.',
    bases: ['bonus_cost'],
    sql: 's_bonus_cost',
    additive: true,
  },
  gaming_tax: {
    title: 'Gaming tax',
    kind: 'money',
    description: "GGR times the player country's rate (REPORT_GAMING_TAX_RATES, 0 by default), truncated per country.",
    bases: ['gaming_tax'],
    sql: 's_gaming_tax',
  },
  ngr: {
    title: 'NGR',
    kind: 'money',
    description: 'GGR minus bonus cost minus gaming tax.',
    bases: ['net_stake_cash', 'net_win_cash', 'bonus_cost', 'gaming_tax'],
    sql: `${GGR} - s_bonus_cost - s_gaming_tax`,
  },
  bonus_granted: {
    title: 'Bonus granted',
    kind: 'money',
    description: 'Bonus money credited by bonus activations (bonus.activated facts; bonus_grant in the ledger).',
    bases: ['bonus_granted'],
    sql: 's_bonus_granted',
    additive: true,
  },
  bonus_converted: {
    title: 'Bonus converted',
    kind: 'money',
    description:
      'Cash credited by bonus conversions (bonus.converted facts): the bonus cost, counted from the bonus events.',
    bases: ['bonus_converted'],
    sql: 's_bonus_converted',
    additive: true,
  },
  bonus_removed: {
    title: 'Bonus removed',
    kind: 'money',
    description: 'Bonus money taken back by forfeits and expiries (bonus_forfeit and bonus_expire in the ledger).',
    bases: ['bonus_removed'],
    sql: 's_bonus_removed',
    additive: true,
  },
  deposits_count: {
    title: 'Deposits',
    kind: 'count',
    description: 'Captured deposits credited to wallets.',
    bases: ['deposits_count'],
    sql: 's_deposits_count',
    additive: true,
  },
  deposits_amount: {
    title: 'Deposits amount',
    kind: 'money',
    description: 'Cash credited by captured deposits.',
    bases: ['deposits_amount'],
    sql: 's_deposits_amount',
    additive: true,
  },
  withdrawals_count: {
    title: 'Withdrawals',
    kind: 'count',
    description: 'Paid-out withdrawals: captured withdrawal holds.',
    bases: ['withdrawals_count'],
    sql: 's_withdrawals_count',
    additive: true,
  },
  withdrawals_amount: {
    title: 'Withdrawals amount',
    kind: 'money',
    description: 'Money that left wallets through paid-out withdrawals (captured holds).',
    bases: ['withdrawals_amount'],
    sql: 's_withdrawals_amount',
    additive: true,
  },
  unique_depositors: {
    title: 'Unique depositors',
    kind: 'count',
    description: 'Distinct players with at least one captured deposit in the period.',
    bases: ['unique_depositors'],
    sql: 's_unique_depositors',
  },
  ftd_count: {
    title: 'First-time depositors',
    kind: 'count',
    description: "Players whose first captured deposit (in the row's currency) falls in the period.",
    bases: ['ftd_count'],
    sql: 's_ftd_count',
  },
  ftd_amount: {
    title: 'First deposits amount',
    kind: 'money',
    description: 'The amount of those first deposits.',
    bases: ['ftd_amount'],
    sql: 's_ftd_amount',
  },
  active_players: {
    title: 'Active players',
    kind: 'count',
    description: 'Distinct players with at least one bet in the period (betting actives).',
    bases: ['active_players'],
    sql: 's_active_players',
  },
  arpu: {
    title: 'ARPU',
    kind: 'money',
    description: 'GGR / active players, in minor units truncated; empty when nobody bet.',
    bases: ['net_stake_cash', 'net_win_cash', 'active_players'],
    sql: ratio(GGR, 's_active_players', 1),
  },
} as const satisfies Record<string, MeasureDefinition>;

export type MeasureName = keyof typeof MEASURES;

export function isMeasure(name: string): name is MeasureName {
  return Object.hasOwn(MEASURES, name);
}

/**
 * Ledger transaction types whose cash is bonus cost (docs/bonuses.md "Bonus cost"): the cash a conversion credits.
 * GGR counts cash only, so bonus money staked and lost was never revenue and is no cost either.
 */
export const BONUS_COST_TRANSACTION_TYPES: readonly string[] = ['bonus_convert'];
