import { Injectable } from '@nestjs/common';
import { Coalescer } from '../../../common/batching/coalescer';
import { HotPathDatabase } from '../../../infra/database/hot-path-database';
import type { EntityManager } from 'typeorm';
import { runPrepared, type PreparedStatement } from '../../../infra/database/prepared-statement';
import { ELIGIBILITY_COLUMNS_SQL, factsOf, type EligibilityRow } from '../eligibility/play-eligibility.repository';
import type { EligibilityFacts } from '../eligibility/play-eligibility-rules';
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
  /** Real-money eligibility (consents, birth date, its verification), decided with the bet. */
  eligibility: EligibilityFacts;
}

export interface GateInput {
  userId: string;
  currency: string;
  now: Date;
}

interface GateRow extends EligibilityRow {
  ord: number;
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
 * Per input (in arrays, one element each): user, now, currency, the day, week and month windows ([start, end) as
 * dates) and their union. Exactly one row per input, in input order: the lookups are left joins on keys or
 * LIMIT 1, and aggregates always answer one row, so no join loses an input or its totals.
 */
const GATE_READ: PreparedStatement = {
  name: 'rg_bet_gate_read_v2',
  text: `
  SELECT i.ord::int AS ord, u.status AS user_status, x.kind AS exclusion_kind, x.ends_at AS exclusion_ends_at,
         l.limits, a.*, s.started_at, s.last_activity_at, ${ELIGIBILITY_COLUMNS_SQL}
  FROM unnest($1::uuid[], $2::timestamptz[], $3::bpchar[], $4::date[], $5::date[], $6::date[], $7::date[],
              $8::date[], $9::date[], $10::date[], $11::date[]) WITH ORDINALITY
       AS i(user_id, now, currency, day_from, day_to, week_from, week_to, month_from, month_to, from_day, to_day, ord)
  LEFT JOIN users u ON u.id = i.user_id AND u.id = ANY($1::uuid[])
  LEFT JOIN LATERAL (
    SELECT e.kind, e.ends_at FROM rg_exclusions e
    WHERE e.user_id = i.user_id AND e.starts_at <= i.now AND (e.ends_at IS NULL OR e.ends_at > i.now)
    ORDER BY e.kind = 'self_exclusion' DESC, e.ends_at DESC NULLS FIRST LIMIT 1
  ) x ON true
  CROSS JOIN LATERAL (
    SELECT json_agg(json_build_object('key', r.limit_key, 'currency', r.currency, 'value', r.value::text)
                    ORDER BY r.limit_key) AS limits
    FROM rg_limits r WHERE r.user_id = i.user_id AND r.value IS NOT NULL
  ) l
  CROSS JOIN LATERAL (
    SELECT ${PERIODS.map(totalsColumns).join(',\n           ')}
    FROM rg_activity_daily d
    WHERE d.user_id = i.user_id AND d.currency = i.currency AND d.day >= i.from_day AND d.day < i.to_day
  ) a
  LEFT JOIN rg_play_sessions s ON s.user_id = i.user_id AND s.user_id = ANY($1::uuid[])
  ORDER BY i.ord`,
};

function totalsColumns(period: LimitPeriod): string {
  const inWindow = `d.day >= i.${period}_from AND d.day < i.${period}_to`;
  return ['deposits', 'wagers', 'wins']
    .map((counter) => `COALESCE(SUM(d.${counter}) FILTER (WHERE ${inWindow}), 0)::text AS ${period}_${counter}`)
    .join(', ');
}

/**
 * The bet gate's one read: user status, eligibility, exclusion, effective limits, period totals and play session. Reads
 * arriving while one runs are answered together by the next statement (group commit, `Coalescer`).
 */
@Injectable()
export class RgBetGateRepository {
  private readonly reads = new Coalescer<GateInput, BetGateSnapshot>((inputs) => this.readBatch(inputs), {
    name: 'rg_bet_gate_read',
    maxBatchSize: 64,
    maxInFlight: 1,
  });

  public constructor(private readonly hotPath: HotPathDatabase) {}

  public read(userId: string, currency: string, now: Date): Promise<BetGateSnapshot> {
    return this.reads.submit({ userId, currency, now });
  }

  /** The same read in the caller's transaction (it sees what that transaction wrote). */
  public async readIn(manager: EntityManager, inputs: GateInput[]): Promise<BetGateSnapshot[]> {
    if (inputs.length === 0) return [];
    const runner = manager.queryRunner;
    if (!runner) throw new Error('readIn runs inside a transaction');
    return snapshotsOf((await runPrepared<GateRow>(runner, GATE_READ, gateColumns(inputs))).rows);
  }

  private async readBatch(inputs: GateInput[]): Promise<BetGateSnapshot[]> {
    return snapshotsOf(await this.hotPath.query<GateRow>(GATE_READ, gateColumns(inputs)));
  }
}

/** The inputs as the statement's parameter arrays. */
function gateColumns(inputs: GateInput[]): unknown[][] {
  const values = inputs.map(gateValues);
  return values[0].map((_, column) => values.map((row) => row[column]));
}

function snapshotsOf(rows: GateRow[]): BetGateSnapshot[] {
  const snapshots: BetGateSnapshot[] = [];
  for (const row of rows) snapshots[row.ord - 1] = toSnapshot(row);
  return snapshots;
}

/** One input's values, in the statement's parameter order. */
function gateValues({ userId, currency, now }: GateInput): unknown[] {
  const windows = PERIODS.map((period) => periodWindow(period, now));
  const bounds = windows.flatMap((window) => [utcDay(window.start), utcDay(window.end)]);
  const from = windows.map((window) => window.start).reduce((a, b) => (a < b ? a : b));
  const to = windows.map((window) => window.end).reduce((a, b) => (a > b ? a : b));
  return [userId, now, currency, ...bounds, utcDay(from), utcDay(to)];
}

function toSnapshot(row: GateRow): BetGateSnapshot {
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
    eligibility: factsOf(row),
  };
}
