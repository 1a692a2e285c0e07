import type { ReportQuery } from './report-query';

export const GAMING_ROLLUPS = ['gaming_15m', 'gaming_1h', 'gaming_1d'] as const;
export type GamingRollup = (typeof GAMING_ROLLUPS)[number];

/** Per coarse rollup, the Unix second from which it holds every fact (ClickHouse `rollup_coverage`). */
export type RollupCoverage = ReadonlyMap<string, number>;

/** The widest offset from UTC of any zone (Pacific/Kiritimati, +14:00): the earliest a local day can begin. */
const MAX_OFFSET_SECONDS = 14 * 3600;
const DAY_SECONDS = 86_400;

/**
 * The coarsest gaming rollup that cuts the query's days exactly and holds every fact of its range: `gaming_1d` when
 * the zone is UTC all along the range, `gaming_1h` when its offset is whole hours all along, else `gaming_15m`
 * (every zone's offset is a multiple of 15 minutes). Offsets are sampled twice a day, from the day before the range
 * to the day after: a zone's offset never changes for less than half a day.
 */
export function gamingRollupFor(
  query: Pick<ReportQuery, 'dateRange' | 'timeZone'>,
  coverage: RollupCoverage,
): GamingRollup {
  const from = Date.parse(`${query.dateRange.from}T00:00:00Z`) / 1000;
  const to = Date.parse(`${query.dateRange.to}T00:00:00Z`) / 1000;
  const offsets = new Set<number>();
  for (let at = from - DAY_SECONDS; at <= to + 2 * DAY_SECONDS; at += DAY_SECONDS / 2) {
    offsets.add(offsetMinutes(query.timeZone, at * 1000));
  }
  const earliest = from - MAX_OFFSET_SECONDS;
  const covers = (rollup: GamingRollup) => (coverage.get(rollup) ?? Number.POSITIVE_INFINITY) <= earliest;
  if ([...offsets].every((offset) => offset === 0) && covers('gaming_1d')) return 'gaming_1d';
  if ([...offsets].every((offset) => offset % 60 === 0) && covers('gaming_1h')) return 'gaming_1h';
  return 'gaming_15m';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at that instant, in minutes (`GMT+05:30` -> 330). */
export function offsetMinutes(timeZone: string, epochMs: number): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, formatter);
  }
  const name = formatter.formatToParts(epochMs).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}
