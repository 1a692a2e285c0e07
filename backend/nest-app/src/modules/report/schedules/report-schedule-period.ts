import { localDate } from '../query/report-freshness';

export const SCHEDULE_PERIODS = ['previous_day', 'previous_week', 'previous_month', 'previous_quarter'] as const;
export type SchedulePeriod = (typeof SCHEDULE_PERIODS)[number];

export interface DateRange {
  from: string;
  to: string;
}

/**
 * The closed period before `now` in the zone: yesterday, last week (Monday to Sunday), last month, last quarter,
 * as inclusive local dates. A run reports days that can no longer change (ETL lag aside).
 */
export function periodBefore(period: SchedulePeriod, now: Date, timeZone: string): DateRange {
  const today = parse(localDate(now, timeZone));
  switch (period) {
    case 'previous_day': {
      const day = addDays(today, -1);
      return { from: format(day), to: format(day) };
    }
    case 'previous_week': {
      const monday = addDays(today, -((today.getUTCDay() + 6) % 7) - 7);
      return { from: format(monday), to: format(addDays(monday, 6)) };
    }
    case 'previous_month': {
      const first = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
      return {
        from: format(first),
        to: format(addDays(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1)), -1)),
      };
    }
    case 'previous_quarter': {
      const quarterStart = today.getUTCMonth() - (today.getUTCMonth() % 3);
      const first = new Date(Date.UTC(today.getUTCFullYear(), quarterStart - 3, 1));
      const next = new Date(Date.UTC(today.getUTCFullYear(), quarterStart, 1));
      return { from: format(first), to: format(addDays(next, -1)) };
    }
  }
}

function parse(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

function format(date: Date): string {
  return date.toISOString().slice(0, 10);
}
