import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

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

@Injectable()
export class GameSessionsRepository {
  public constructor(private readonly dataSource: DataSource) {}

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

  public async findByTokenHash(providerId: string, tokenHash: string): Promise<GameSessionRow | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM game_sessions s JOIN games g ON g.id = s.game_id
        WHERE s.token_hash = $1 AND s.provider_id = $2`,
      [tokenHash, providerId],
    )) as GameSessionRow[];
    return rows[0] ?? null;
  }

  /** Moves the idle clock forward (never back). */
  public async touch(id: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE game_sessions SET last_activity_at = greatest(last_activity_at, $2) WHERE id = $1 AND status = 'open'`,
      [id, at],
    );
  }

  /** True when this call closed it (an already closed session is left as it was). */
  public async close(id: string, at: Date, manager: EntityManager): Promise<boolean> {
    const result = (await manager.query(
      `UPDATE game_sessions SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'open' RETURNING id`,
      [id, at],
    )) as [unknown[], number];
    return result[1] > 0;
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
