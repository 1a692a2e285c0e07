import { DomainError } from '@casino/contracts';
import type { ActivityTotals, PlaySession } from './rg-activity.repository';
import type { Exclusion } from './rg-exclusions.repository';
import { isMoneyLimitKey, periodOf, type LimitPeriod, type MoneyLimitKey, type MoneyLimitKind } from './rg-limit-types';
import type { StoredLimit } from './rg-limits.repository';
import { periodWindow } from './rg-periods';

/** A pause this long ends a play session; the next launch or bet starts a new one. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

const LIMIT_CODES: Record<MoneyLimitKind, string> = {
  deposit: 'RG_DEPOSIT_LIMIT_REACHED',
  loss: 'RG_LOSS_LIMIT_REACHED',
  wager: 'RG_WAGER_LIMIT_REACHED',
};

/** How much of a limit an activity would use, given the period's totals and the new amount. */
const USAGE: Record<MoneyLimitKind, (totals: ActivityTotals) => bigint> = {
  deposit: (totals) => totals.deposits,
  wager: (totals) => totals.wagers,
  // Net loss: a new stake counts in full, as if it were lost.
  loss: (totals) => totals.wagers - totals.wins,
};

/** What the rules need of a stored limit: its effective value (pending changes never count). */
export type EffectiveLimit = Pick<StoredLimit, 'key' | 'currency' | 'value'>;

/** The money limits of `kinds` that apply (an effective value is set; pending changes never count). */
export function applyingMoneyLimits(
  limits: readonly EffectiveLimit[],
  kinds: readonly MoneyLimitKind[],
): (EffectiveLimit & { key: MoneyLimitKey; value: bigint })[] {
  return limits.filter(
    (limit): limit is EffectiveLimit & { key: MoneyLimitKey; value: bigint } =>
      isMoneyLimitKey(limit.key) && limit.value !== null && kinds.some((kind) => limit.key.startsWith(kind)),
  );
}

/** Throws the exclusion in force, if any (`active` is ordered self-exclusions first, the longest first). */
export function assertNoExclusion(active: Pick<Exclusion, 'kind' | 'endsAt'> | undefined): void {
  if (!active) return;
  const until = active.endsAt?.toISOString() ?? null;
  if (active.kind === 'self_exclusion') {
    throw new DomainError('RG_SELF_EXCLUDED', 'The player is self-excluded', { until });
  }
  throw new DomainError('RG_TIMED_OUT', 'The player has taken a time-out', { until });
}

/**
 * Refuses when any applying limit would be exceeded; names the one that resets last. `totals` answers the
 * period's totals in `currency` (asked only for limits in that currency).
 */
export function assertWithinMoneyLimits(
  limits: readonly EffectiveLimit[],
  kinds: readonly MoneyLimitKind[],
  amount: bigint,
  currency: string,
  now: Date,
  totals: (period: LimitPeriod) => ActivityTotals,
): void {
  const applying = applyingMoneyLimits(limits, kinds);
  for (const kind of kinds) {
    const breaches: Record<string, unknown>[] = [];
    for (const limit of applying.filter((candidate) => candidate.key.startsWith(kind))) {
      if (limit.currency !== currency) {
        throw new DomainError('RG_LIMIT_CURRENCY_MISMATCH', 'The limit is set in another currency', {
          limitCurrency: limit.currency,
          currency,
        });
      }
      const period = periodOf(limit.key);
      const window = periodWindow(period, now);
      const used = USAGE[kind](totals(period));
      if (used + amount > limit.value) {
        const remaining = limit.value > used ? limit.value - used : 0n;
        breaches.push({
          period,
          limit: limit.value.toString(),
          used: used.toString(),
          remaining: remaining.toString(),
          currency,
          resetsAt: window.end.toISOString(),
        });
      }
    }
    if (breaches.length > 0) {
      const latest = breaches.reduce((a, b) => (String(a['resetsAt']) >= String(b['resetsAt']) ? a : b));
      throw new DomainError(LIMIT_CODES[kind], `The ${kind} limit would be exceeded`, latest);
    }
  }
}

/**
 * The play session after activity at `now`: a new one after a pause of SESSION_IDLE_MS (or none yet), else the
 * same one continued — refused once it has lasted the player's session time limit (minutes, null: none).
 */
export function continuedSession(
  existing: PlaySession | null,
  sessionLimitMinutes: number | null,
  now: Date,
): PlaySession {
  if (!existing || now.getTime() - existing.lastActivityAt.getTime() >= SESSION_IDLE_MS) {
    return { startedAt: now, lastActivityAt: now };
  }
  if (sessionLimitMinutes && now.getTime() - existing.startedAt.getTime() >= sessionLimitMinutes * 60_000) {
    throw new DomainError('RG_SESSION_LIMIT_REACHED', 'The session time limit is reached; take a break', {
      sessionStartedAt: existing.startedAt.toISOString(),
      limitMinutes: sessionLimitMinutes,
      resetsAt: new Date(existing.lastActivityAt.getTime() + SESSION_IDLE_MS).toISOString(),
    });
  }
  return { startedAt: existing.startedAt, lastActivityAt: now };
}
