import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Coalescer } from '../../../common/batching/coalescer';
import { HotPathDatabase } from '../../../infra/database/hot-path-database';
import { isTransientConflict, type PreparedStatement } from '../../../infra/database/prepared-statement';

export interface GameSessionRow {
  id: string;
  providerId: string;
  gameId: string;
  gameCode: string;
  userId: string | null;
  mode: 'real' | 'demo';
  platform: 'desktop' | 'mobile';
  currency: string | null;
  status: 'open' | 'closed';
  createdAt: Date;
  lastActivityAt: Date;
}

export interface IdleClosedSession {
  id: string;
  userId: string | null;
  gameId: string;
  providerCode: string;
}

export interface NewGameSession {
  tokenHash: string;
  providerId: string;
  gameId: string;
  userId: string | null;
  mode: 'real' | 'demo';
  platform: 'desktop' | 'mobile';
  language: string;
  currency: string | null;
  country: string | null;
  openedAt: Date;
}

const COLUMNS = `s.id, s.provider_id AS "providerId", s.game_id AS "gameId", g.game_code AS "gameCode",
  s.user_id AS "userId", s.mode, s.platform, s.currency, s.status, s.created_at AS "createdAt",
  s.last_activity_at AS "lastActivityAt"`;

/** Sessions by (provider, token hash), per input in order (null: no such session). */
const FIND_BY_TOKEN_HASHES: PreparedStatement = {
  name: 'game_sessions_by_token_v1',
  text: `SELECT (SELECT row_to_json(found) FROM (
             SELECT ${COLUMNS} FROM game_sessions s JOIN games g ON g.id = s.game_id
              WHERE s.token_hash = i.token_hash AND s.provider_id = i.provider_id) found) AS session
           FROM unnest($1::uuid[], $2::char(64)[]) WITH ORDINALITY AS i(provider_id, token_hash, ord)
          ORDER BY i.ord`,
};

/** Moves open sessions' idle clocks forward (never back); one row per session, in id order. */
const TOUCH: PreparedStatement = {
  name: 'game_sessions_touch_v1',
  text: `UPDATE game_sessions s SET last_activity_at = greatest(s.last_activity_at, i.at)
           FROM (SELECT id, max(at) AS at FROM unnest($1::uuid[], $2::timestamptz[]) AS t(id, at)
                  GROUP BY id ORDER BY id) i
          WHERE s.id = ANY($1::uuid[]) AND s.id = i.id AND s.status = 'open'`,
};

type FoundSession = Omit<GameSessionRow, 'createdAt' | 'lastActivityAt'> & {
  createdAt: string;
  lastActivityAt: string;
};

/** Game sessions; the lookups and touches of the wallet calls are coalesced (ADR 0011). */
@Injectable()
export class GameSessionsRepository {
  private readonly lookups = new Coalescer<{ providerId: string; tokenHash: string }, GameSessionRow | null>(
    (inputs) => this.findMany(inputs),
    { name: 'game_session_lookup', maxBatchSize: 64, maxInFlight: 1 },
  );
  private readonly touches = new Coalescer<{ id: string; at: Date }, void>((inputs) => this.touchMany(inputs), {
    name: 'game_session_touch',
    maxBatchSize: 64,
    maxInFlight: 1,
    isRetryable: isTransientConflict,
  });

  public constructor(
    private readonly dataSource: DataSource,
    private readonly hotPath: HotPathDatabase,
  ) {}

  public async insert(session: NewGameSession, manager: EntityManager): Promise<string> {
    const rows = (await manager.query(
      `INSERT INTO game_sessions (token_hash, provider_id, game_id, user_id, mode, platform, language, currency, country,
                                  created_at, last_activity_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
      [
        session.tokenHash,
        session.providerId,
        session.gameId,
        session.userId,
        session.mode,
        session.platform,
        session.language,
        session.currency,
        session.country,
        session.openedAt,
      ],
    )) as { id: string }[];
    const id = rows[0]?.id;
    if (!id) throw new Error('game session was not inserted');
    return id;
  }

  public findByTokenHash(providerId: string, tokenHash: string): Promise<GameSessionRow | null> {
    return this.lookups.submit({ providerId, tokenHash });
  }

  /** Moves the idle clock forward (never back). */
  public touch(id: string, at: Date): Promise<void> {
    return this.touches.submit({ id, at });
  }

  private async findMany(inputs: { providerId: string; tokenHash: string }[]): Promise<(GameSessionRow | null)[]> {
    const rows = await this.hotPath.query<{ session: FoundSession | null }>(FIND_BY_TOKEN_HASHES, [
      inputs.map((input) => input.providerId),
      inputs.map((input) => input.tokenHash),
    ]);
    return rows.map(({ session }) =>
      session
        ? { ...session, createdAt: new Date(session.createdAt), lastActivityAt: new Date(session.lastActivityAt) }
        : null,
    );
  }

  private async touchMany(inputs: { id: string; at: Date }[]): Promise<void[]> {
    await this.hotPath.query(TOUCH, [inputs.map((input) => input.id), inputs.map((input) => input.at)]);
    return inputs.map(() => undefined);
  }

  /** True when this call closed it (an already closed session is left as it was). */
  public async close(id: string, at: Date, manager: EntityManager): Promise<boolean> {
    const result = (await manager.query(
      `UPDATE game_sessions SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'open' RETURNING id`,
      [id, at],
    )) as [unknown[], number];
    return result[1] > 0;
  }

  /**
   * Closes up to `limit` open sessions idle since before `cutoff`, skipping rows another transaction holds (a
   * concurrent sweep or expiry closes those); answers the ones this call closed.
   */
  public async closeIdle(cutoff: Date, at: Date, limit: number, manager: EntityManager): Promise<IdleClosedSession[]> {
    const [rows] = (await manager.query(
      `WITH idle AS (
         SELECT id FROM game_sessions
          WHERE status = 'open' AND last_activity_at < $1
          ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE game_sessions s SET status = 'closed', closed_at = $2
         FROM idle, game_providers p
        WHERE s.id = idle.id AND p.id = s.provider_id AND s.status = 'open'
       RETURNING s.id, s.user_id AS "userId", s.game_id AS "gameId", p.code AS "providerCode"`,
      [cutoff, at, limit],
    )) as [IdleClosedSession[], number];
    return rows;
  }

  /** Deposits of the player so far (minor units), for the AML threshold of KYC at launch. */
  public async depositedTotal(userId: string, currency: string): Promise<bigint> {
    const rows = (await this.dataSource.query(
      `SELECT coalesce(sum(t.amount), 0)::text AS total FROM ledger_transactions t JOIN wallets w ON w.id = t.wallet_id
        WHERE w.user_id = $1 AND w.currency = $2 AND t.type = 'deposit'`,
      [userId, currency],
    )) as { total: string }[];
    return BigInt(rows[0]?.total ?? '0');
  }
}
