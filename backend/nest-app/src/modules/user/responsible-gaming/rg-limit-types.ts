export const LIMIT_PERIODS = ['day', 'week', 'month'] as const;
export type LimitPeriod = (typeof LIMIT_PERIODS)[number];

export const MONEY_LIMIT_KINDS = ['deposit', 'loss', 'wager'] as const;
export type MoneyLimitKind = (typeof MONEY_LIMIT_KINDS)[number];

/** `depositDay` ... `wagerMonth`: amounts in minor units of the limit's currency. */
export const MONEY_LIMIT_KEYS = [
  'depositDay',
  'depositWeek',
  'depositMonth',
  'lossDay',
  'lossWeek',
  'lossMonth',
  'wagerDay',
  'wagerWeek',
  'wagerMonth',
] as const;
export type MoneyLimitKey = (typeof MONEY_LIMIT_KEYS)[number];

/** Minutes. A lower value is the stricter one for these too (a shorter session, a more frequent reminder). */
export const TIME_LIMIT_KEYS = ['sessionTimeMinutes', 'realityCheckMinutes'] as const;
export type TimeLimitKey = (typeof TIME_LIMIT_KEYS)[number];

export type LimitKey = MoneyLimitKey | TimeLimitKey;
export const LIMIT_KEYS: readonly LimitKey[] = [...MONEY_LIMIT_KEYS, ...TIME_LIMIT_KEYS];

export function isMoneyLimitKey(key: string): key is MoneyLimitKey {
  return (MONEY_LIMIT_KEYS as readonly string[]).includes(key);
}

export function moneyLimitKey(kind: MoneyLimitKind, period: LimitPeriod): MoneyLimitKey {
  return `${kind}${period[0].toUpperCase()}${period.slice(1)}` as MoneyLimitKey;
}

export function periodOf(key: MoneyLimitKey): LimitPeriod {
  return key.endsWith('Day') ? 'day' : key.endsWith('Week') ? 'week' : 'month';
}

/** One limit as stored: the effective value and, maybe, a pending less strict one. */
export interface LimitState {
  /** null: no limit. */
  value: bigint | null;
  /** A pending increase, or null with `pendingRemoval` for a pending removal. */
  pendingValue: bigint | null;
  pendingRemoval: boolean;
  pendingRequestedAt: Date | null;
  /** When the player may confirm the pending change (requested + 24 h). */
  pendingEffectiveAt: Date | null;
}

export const NO_LIMIT: LimitState = {
  value: null,
  pendingValue: null,
  pendingRemoval: false,
  pendingRequestedAt: null,
  pendingEffectiveAt: null,
};

export function hasPending(state: LimitState): boolean {
  return state.pendingEffectiveAt !== null;
}
