import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Coalescer } from '../../../common/batching/coalescer';
import { HotPathDatabase } from '../../../infra/database/hot-path-database';
import type { AttachedStatement } from '../../../infra/database/attached-statement';
import { isTransientConflict, runPrepared, type PreparedStatement } from '../../../infra/database/prepared-statement';

export interface ActivityTotals {
  deposits: bigint;
  wagers: bigint;
  wins: bigint;
}

export interface PlaySession {
  startedAt: Date;
  lastActivityAt: Date;
}

type Counter = 'deposits' | 'wagers' | 'wins';

/**
 * Play on one UTC day (`YYYY-MM-DD`): counters to add (none given: none added) and the session it continued.
 * Negative counters take back what a rolled-back bet or win added on its day (never below zero).
 */
export interface PlayRecord {
  userId: string;
  currency: string;
  day: string;
  wagers?: bigint;
  wins?: bigint;
  session?: PlaySession;
  /** Check the wager and loss limits at this instant once written (`ResponsibleGamingService.recordPlaysIn`). */
  guardLimitsAt?: Date;
}

/*
 * A batch of play records in one statement. ON CONFLICT DO UPDATE may touch a row only once per statement, so the
 * counters are summed per key first (in key order, so that batches lock rows in one order) and each user's
 * session is the one of the latest activity (the later input on a tie), as if the records had run one by one.
 */
const RECORD_PLAY_INPUT = `rg_input AS (
    SELECT * FROM unnest($1::uuid[], $2::bpchar[], $3::date[], $4::bigint[], $5::bigint[], $6::timestamptz[],
                         $7::timestamptz[]) WITH ORDINALITY
           AS i(user_id, currency, day, wagers, wins, started_at, last_activity_at, ord))`;
const RECORD_PLAY_COUNTERS = `rg_counted AS (
    INSERT INTO rg_activity_daily AS a (user_id, currency, day, wagers, wins)
    SELECT user_id, currency, day, COALESCE(SUM(wagers), 0), COALESCE(SUM(wins), 0) FROM rg_input
    WHERE wagers IS NOT NULL OR wins IS NOT NULL
    GROUP BY user_id, currency, day ORDER BY user_id, currency, day
    ON CONFLICT (user_id, currency, day) DO UPDATE SET
      wagers = a.wagers + EXCLUDED.wagers, wins = a.wins + EXCLUDED.wins)`;
const RECORD_PLAY_SESSIONS = `
  INSERT INTO rg_play_sessions AS s (user_id, started_at, last_activity_at)
  SELECT DISTINCT ON (user_id) user_id, started_at, last_activity_at FROM rg_input
  WHERE last_activity_at IS NOT NULL
  ORDER BY user_id, last_activity_at DESC, ord DESC
  ON CONFLICT (user_id) DO UPDATE SET
    started_at = CASE WHEN EXCLUDED.last_activity_at >= s.last_activity_at THEN EXCLUDED.started_at
                 ELSE s.started_at END,
    last_activity_at = GREATEST(s.last_activity_at, EXCLUDED.last_activity_at)`;

const RECORD_PLAY: PreparedStatement = {
  name: 'rg_record_play_v2',
  text: `WITH ${RECORD_PLAY_INPUT}, ${RECORD_PLAY_COUNTERS} ${RECORD_PLAY_SESSIONS}`,
};

/**
 * Play records (no reversals) as a fragment of another module's statement: the same writes as `RECORD_PLAY`,
 * for the ledger's batch statement (ADR 0011). Null when there is nothing to write or a reversal needs its own.
 */
export function recordPlaysStatement(records: PlayRecord[]): AttachedStatement | null {
  if (records.length === 0 || records.some(isReversal)) return null;
  return {
    key: RECORD_PLAY.name,
    ctes: `${RECORD_PLAY_INPUT}, ${RECORD_PLAY_COUNTERS}, rg_sessions AS (${RECORD_PLAY_SESSIONS})`,
    values: playColumns(records),
    output: 'NULL',
  };
}

/** Additions in one statement, reversals (negative counters) in another. */
async function writePlays(
  records: PlayRecord[],
  run: (statement: PreparedStatement, values: unknown[]) => Promise<void>,
): Promise<void> {
  const additions = records.filter((record) => !isReversal(record));
  const reversals = records.filter(isReversal);
  if (additions.length > 0) await run(RECORD_PLAY, playColumns(additions));
  if (reversals.length > 0) await run(REVERSE_PLAY, reversalColumns(reversals));
}

function playColumns(records: PlayRecord[]): unknown[][] {
  return [
    records.map((record) => record.userId),
    records.map((record) => record.currency),
    records.map((record) => record.day),
    records.map((record) => record.wagers?.toString() ?? null),
    records.map((record) => record.wins?.toString() ?? null),
    records.map((record) => record.session?.startedAt ?? null),
    records.map((record) => record.session?.lastActivityAt ?? null),
  ];
}

/** Rolled-back wagers and wins taken off the days that counted them, never below zero; rows in key order. */
const REVERSE_PLAY: PreparedStatement = {
  name: 'rg_reverse_play_v1',
  text: `
  UPDATE rg_activity_daily a
     SET wagers = GREATEST(a.wagers - i.wagers, 0), wins = GREATEST(a.wins - i.wins, 0)
    FROM (SELECT user_id, currency, day, SUM(wagers) AS wagers, SUM(wins) AS wins
            FROM unnest($1::uuid[], $2::bpchar[], $3::date[], $4::bigint[], $5::bigint[])
                 AS r(user_id, currency, day, wagers, wins)
           GROUP BY user_id, currency, day ORDER BY user_id, currency, day) i
   WHERE a.user_id = i.user_id AND a.currency = i.currency AND a.day = i.day`,
};

const isReversal = (record: PlayRecord): boolean => (record.wagers ?? 0n) < 0n || (record.wins ?? 0n) < 0n;

function reversalColumns(records: PlayRecord[]): unknown[][] {
  return [
    records.map((record) => record.userId),
    records.map((record) => record.currency),
    records.map((record) => record.day),
    records.map((record) => (-(record.wagers ?? 0n)).toString()),
    records.map((record) => (-(record.wins ?? 0n)).toString()),
  ];
}

/** A gross deposit on one UTC day (`YYYY-MM-DD`). */
export interface DepositRecord {
  userId: string;
  currency: string;
  day: string;
  amount: bigint;
}

/** Deposits added to their days' counters in one statement: summed per key first, rows in key order. */
const RECORD_DEPOSITS = `
  INSERT INTO rg_activity_daily AS a (user_id, currency, day, deposits)
  SELECT user_id, currency, day, SUM(amount)
    FROM unnest($1::uuid[], $2::bpchar[], $3::date[], $4::bigint[]) AS i(user_id, currency, day, amount)
   GROUP BY user_id, currency, day ORDER BY user_id, currency, day
  ON CONFLICT (user_id, currency, day) DO UPDATE SET deposits = a.deposits + EXCLUDED.deposits`;

/**
 * The player's own counters of gross deposits, wagers and wins per UTC day and currency (the
 * ledger stays free of policy), and the current play session.
 */
@Injectable()
export class RgActivityRepository {
  private readonly plays = new Coalescer<PlayRecord, void>((records) => this.recordPlays(records), {
    name: 'rg_record_play',
    maxBatchSize: 64,
    maxInFlight: 1,
    isRetryable: isTransientConflict,
  });

  public constructor(
    private readonly dataSource: DataSource,
    private readonly hotPath: HotPathDatabase,
  ) {}

  public async add(
    manager: EntityManager,
    userId: string,
    currency: string,
    day: string,
    counter: Counter,
    amount: bigint,
  ): Promise<void> {
    // `counter` is one of three literal column names, never user input.
    await manager.query(
      `INSERT INTO rg_activity_daily (user_id, currency, day, ${counter}) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, currency, day) DO UPDATE SET ${counter} = rg_activity_daily.${counter} + EXCLUDED.${counter}`,
      [userId, currency, day, amount.toString()],
    );
  }

  /** Gross deposits added in the caller's transaction (the ledger's, with the credits they count). */
  public async addDeposits(manager: EntityManager, records: DepositRecord[]): Promise<void> {
    if (records.length === 0) return;
    await manager.query(RECORD_DEPOSITS, [
      records.map((record) => record.userId),
      records.map((record) => record.currency),
      records.map((record) => record.day),
      records.map((record) => record.amount.toString()),
    ]);
  }

  /** Totals over the days `fromDay` (inclusive) to `toDay` (exclusive). */
  public async totals(
    userId: string,
    currency: string,
    fromDay: string,
    toDay: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ActivityTotals> {
    const [row] = (await manager.query(
      `SELECT COALESCE(SUM(deposits), 0)::text AS deposits, COALESCE(SUM(wagers), 0)::text AS wagers,
              COALESCE(SUM(wins), 0)::text AS wins
       FROM rg_activity_daily WHERE user_id = $1 AND currency = $2 AND day >= $3 AND day < $4`,
      [userId, currency, fromDay, toDay],
    )) as { deposits: string; wagers: string; wins: string }[];
    return { deposits: BigInt(row.deposits), wagers: BigInt(row.wagers), wins: BigInt(row.wins) };
  }

  public async findSession(userId: string): Promise<PlaySession | null> {
    const rows = (await this.dataSource.query(
      `SELECT started_at, last_activity_at FROM rg_play_sessions WHERE user_id = $1`,
      [userId],
    )) as { started_at: Date; last_activity_at: Date }[];
    return rows.length > 0 ? { startedAt: rows[0].started_at, lastActivityAt: rows[0].last_activity_at } : null;
  }

  public async saveSession(userId: string, session: PlaySession): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO rg_play_sessions (user_id, started_at, last_activity_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET started_at = $2, last_activity_at = $3`,
      [userId, session.startedAt, session.lastActivityAt],
    );
  }

  /**
   * A cleared bet's wager and its play-session touch (`wagers` left out: the bet moved no money). The write comes
   * after the bet moved money, so a bet cleared later (a newer `lastActivityAt`) that wrote first wins.
   */
  public recordBetActivity(
    userId: string,
    currency: string,
    day: string,
    amount: bigint | null,
    session: PlaySession,
  ): Promise<void> {
    return this.recordPlay({ userId, currency, day, wagers: amount ?? undefined, session });
  }

  /** Adds the counters given and touches the session given; calls arriving together share one statement. */
  public recordPlay(record: PlayRecord): Promise<void> {
    return this.plays.submit(record);
  }

  public async endSession(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM rg_play_sessions WHERE user_id = $1`, [userId]);
  }

  /** Play records written in the caller's transaction (the ledger's batch, ADR 0011), in one statement. */
  public async recordPlaysIn(manager: EntityManager, records: PlayRecord[]): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner) throw new Error('recordPlaysIn runs inside a transaction');
    await writePlays(records, async (statement, values) => {
      await runPrepared(runner, statement, values);
    });
  }

  private async recordPlays(records: PlayRecord[]): Promise<void[]> {
    await writePlays(records, async (statement, values) => {
      await this.hotPath.query(statement, values);
    });
    return records.map(() => undefined);
  }
}
