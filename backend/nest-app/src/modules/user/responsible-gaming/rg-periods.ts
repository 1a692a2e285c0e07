import type { LimitPeriod } from './rg-limit-types';

export interface PeriodWindow {
  start: Date;
  /** Exclusive; when the period resets. */
  end: Date;
}

/** Calendar periods in UTC: the day, the ISO week (from Monday) and the month containing `at`. */
export function periodWindow(period: LimitPeriod, at: Date): PeriodWindow {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const day = at.getUTCDate();
  if (period === 'day') {
    return { start: new Date(Date.UTC(year, month, day)), end: new Date(Date.UTC(year, month, day + 1)) };
  }
  if (period === 'week') {
    const sinceMonday = (at.getUTCDay() + 6) % 7;
    return {
      start: new Date(Date.UTC(year, month, day - sinceMonday)),
      end: new Date(Date.UTC(year, month, day - sinceMonday + 7)),
    };
  }
  return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
}

/** `at` plus whole calendar months (UTC), clamped to the last day of the target month. */
export function addMonths(at: Date, months: number): Date {
  const target = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(at.getUTCDate(), lastDay));
  target.setUTCHours(at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds());
  return target;
}

/** The UTC calendar day of an instant, as `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
