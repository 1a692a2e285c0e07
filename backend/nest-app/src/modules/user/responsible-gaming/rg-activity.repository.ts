import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

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
 * The player's own counters of gross deposits, wagers and wins per UTC day and currency (the
 * ledger stays free of policy), and the current play session.
 */
@Injectable()
export class RgActivityRepository {
  public constructor(private readonly dataSource: DataSource) {}

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

  /** Totals over the days `fromDay` (inclusive) to `toDay` (exclusive). */
  public async totals(userId: string, currency: string, fromDay: string, toDay: string): Promise<ActivityTotals> {
    const [row] = (await this.dataSource.query(
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
   * A cleared bet's wager counter (when `amount` is given) and its play-session touch in one statement. The write
   * comes after the bet moved money, so a bet cleared later (a newer `lastActivityAt`) that wrote first wins.
   */
  public async recordBetActivity(
    userId: string,
    currency: string,
    day: string,
    amount: bigint | null,
    session: PlaySession,
  ): Promise<void> {
    const touch = `INSERT INTO rg_play_sessions (user_id, started_at, last_activity_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET
         started_at = CASE WHEN EXCLUDED.last_activity_at >= rg_play_sessions.last_activity_at
                      THEN EXCLUDED.started_at ELSE rg_play_sessions.started_at END,
         last_activity_at = GREATEST(rg_play_sessions.last_activity_at, EXCLUDED.last_activity_at)`;
    if (amount === null) {
      await this.dataSource.query(touch, [userId, session.startedAt, session.lastActivityAt]);
      return;
    }
    await this.dataSource.query(
      `WITH wagered AS (
         INSERT INTO rg_activity_daily (user_id, currency, day, wagers) VALUES ($1, $4, $5, $6)
         ON CONFLICT (user_id, currency, day) DO UPDATE SET wagers = rg_activity_daily.wagers + EXCLUDED.wagers
       ) ${touch}`,
      [userId, session.startedAt, session.lastActivityAt, currency, day, amount.toString()],
    );
  }

  public async endSession(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM rg_play_sessions WHERE user_id = $1`, [userId]);
  }
}
