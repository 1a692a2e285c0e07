import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UserStatus } from '../user.types';
import type { ActivityTotals, PlaySession } from './rg-activity.repository';
import type { ExclusionKind } from './rg-exclusions.repository';
import type { LimitKey, LimitPeriod } from './rg-limit-types';
import { periodWindow, utcDay } from './rg-periods';
import type { EffectiveLimit } from './rg-rules';

/** Everything a bet is checked against, read fresh (never cached) in one statement. */
export interface BetGateSnapshot {
  /** null: no such user. */
  userStatus: UserStatus | null;
  /** The exclusion in force that answers first (self-exclusions first, the longest first). */
  exclusion: { kind: ExclusionKind; endsAt: Date | null } | undefined;
  limits: EffectiveLimit[];
  /** The totals in the bet's currency of the day, ISO week and month containing `now`. */
  totals: Record<LimitPeriod, ActivityTotals>;
  session: PlaySession | null;
}

interface GateRow {
  user_status: UserStatus | null;
  exclusion_kind: ExclusionKind | null;
  exclusion_ends_at: Date | null;
  limits: { key: LimitKey; currency: string | null; value: string }[] | null;
  started_at: Date | null;
  last_activity_at: Date | null;
  [column: string]: unknown;
}

const PERIODS: readonly LimitPeriod[] = ['day', 'week', 'month'];

/*
 * $1 user, $2 now, $3 currency, $4..$9 the day, week and month windows ([start, end) as dates), $10/$11 their
 * union. Aggregates always answer one row, so the joins never lose the user or the totals.
 */
const GATE_SQL = `
  WITH excl AS (
    SELECT kind, ends_at FROM rg_exclusions
    WHERE user_id = $1 AND starts_at <= $2 AND (ends_at IS NULL OR ends_at > $2)
    ORDER BY kind = 'self_exclusion' DESC, ends_at DESC NULLS FIRST LIMIT 1
  ), lim AS (
    SELECT json_agg(json_build_object('key', limit_key, 'currency', currency, 'value', value::text)) AS limits
    FROM rg_limits WHERE user_id = $1 AND value IS NOT NULL
  ), act AS (
    SELECT ${PERIODS.map((period, index) => totalsColumns(period, 4 + index * 2)).join(',\n')}
    FROM rg_activity_daily WHERE user_id = $1 AND currency = $3 AND day >= $10::date AND day < $11::date
  )
  SELECT (SELECT status FROM users WHERE id = $1) AS user_status,
         excl.kind AS exclusion_kind, excl.ends_at AS exclusion_ends_at, lim.limits, act.*,
         s.started_at, s.last_activity_at
  FROM lim CROSS JOIN act
  LEFT JOIN excl ON true
  LEFT JOIN rg_play_sessions s ON s.user_id = $1`;

function totalsColumns(period: LimitPeriod, startParam: number): string {
  const inWindow = `day >= $${startParam}::date AND day < $${startParam + 1}::date`;
  return ['deposits', 'wagers', 'wins']
    .map((counter) => `COALESCE(SUM(${counter}) FILTER (WHERE ${inWindow}), 0)::text AS ${period}_${counter}`)
    .join(', ');
}

/** The bet gate's one read: user status, exclusion, effective limits, period totals and play session. */
@Injectable()
export class RgBetGateRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async read(userId: string, currency: string, now: Date): Promise<BetGateSnapshot> {
    const windows = PERIODS.map((period) => periodWindow(period, now));
    const bounds = windows.flatMap((window) => [utcDay(window.start), utcDay(window.end)]);
    const from = windows.map((window) => window.start).reduce((a, b) => (a < b ? a : b));
    const to = windows.map((window) => window.end).reduce((a, b) => (a > b ? a : b));
    const [row] = (await this.dataSource.query(GATE_SQL, [
      userId,
      now,
      currency,
      ...bounds,
      utcDay(from),
      utcDay(to),
    ])) as GateRow[];
    const totalsOf = (period: LimitPeriod): ActivityTotals => ({
      deposits: BigInt(row[`${period}_deposits`] as string),
      wagers: BigInt(row[`${period}_wagers`] as string),
      wins: BigInt(row[`${period}_wins`] as string),
    });
    return {
      userStatus: row.user_status,
      exclusion: row.exclusion_kind ? { kind: row.exclusion_kind, endsAt: row.exclusion_ends_at } : undefined,
      limits: (row.limits ?? []).map((limit) => ({ ...limit, value: BigInt(limit.value) })),
      totals: { day: totalsOf('day'), week: totalsOf('week'), month: totalsOf('month') },
      session:
        row.started_at && row.last_activity_at
          ? { startedAt: row.started_at, lastActivityAt: row.last_activity_at }
          : null,
    };
  }
}
