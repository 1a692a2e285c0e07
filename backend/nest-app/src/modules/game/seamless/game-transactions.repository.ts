import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type GameTransactionKind = 'bet' | 'win' | 'rollback' | 'tombstone';
export type GameTransactionStatus = 'pending' | 'applied' | 'refused' | 'rolling_back' | 'rolled_back';

/** What the wallet is asked, stored so that anyone can drive a pending row to its end (amounts as strings). */
export interface StoredWalletCommand {
  type: 'bet' | 'win' | 'rollback';
  scope: string;
  key: string;
  userId?: string;
  currency?: string;
  amount?: string;
  funding?: 'cash_first' | 'bonus_only';
  toBonus?: boolean;
  targetKey?: string;
  metadata: Record<string, string>;
}

export interface GameTransactionRow {
  id: string;
  providerId: string;
  externalId: string;
  kind: GameTransactionKind;
  status: GameTransactionStatus;
  failure: string | null;
  fingerprint: string | null;
  userId: string | null;
  roundId: string | null;
  roundClosed: boolean;
  gameCode: string | null;
  currency: string | null;
  amount: string | null;
  referenceExternalId: string | null;
  isFree: boolean;
  walletTransactionId: string | null;
  walletCommand: StoredWalletCommand | null;
  /** Milliseconds since the row last changed, by the database's clock. */
  ageMs: number;
}

export interface NewGameTransaction {
  providerId: string;
  externalId: string;
  kind: GameTransactionKind;
  status: GameTransactionStatus;
  fingerprint: string | null;
  userId: string | null;
  sessionId: string | null;
  roundId: string | null;
  roundClosed: boolean;
  gameCode: string | null;
  currency: string | null;
  amount: bigint | null;
  referenceExternalId: string | null;
  isFree: boolean;
  isPromo: boolean;
  walletCommand: StoredWalletCommand | null;
  details: Record<string, unknown>;
}

export interface RoundTotals {
  providerRoundId: string;
  userId: string;
  gameCode: string;
  currency: string;
  totalBet: bigint;
  totalWin: bigint;
  openedAt: Date;
}

const COLUMNS = `id, provider_id AS "providerId", external_id AS "externalId", kind, status, failure, fingerprint,
  user_id AS "userId", round_id AS "roundId", round_closed AS "roundClosed", game_code AS "gameCode", currency,
  amount::text AS amount, reference_external_id AS "referenceExternalId", is_free AS "isFree",
  wallet_transaction_id AS "walletTransactionId", wallet_command AS "walletCommand",
  (extract(epoch FROM clock_timestamp() - updated_at) * 1000)::float8 AS "ageMs"`;

/** The record of every provider transaction id; the unique (provider, external id) key arbitrates races. */
@Injectable()
export class GameTransactionsRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** Inserts the row unless the id is known; null when it was (the caller then reads what is there). */
  public async claim(
    row: NewGameTransaction,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<GameTransactionRow | null> {
    const rows = (await manager.query(
      `INSERT INTO game_transactions (provider_id, external_id, kind, status, fingerprint, user_id, session_id, round_id,
         round_closed, game_code, currency, amount, reference_external_id, is_free, is_promo, wallet_command, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, $17::jsonb)
       ON CONFLICT (provider_id, external_id) DO NOTHING RETURNING ${COLUMNS}`,
      [
        row.providerId,
        row.externalId,
        row.kind,
        row.status,
        row.fingerprint,
        row.userId,
        row.sessionId,
        row.roundId,
        row.roundClosed,
        row.gameCode,
        row.currency,
        row.amount?.toString() ?? null,
        row.referenceExternalId,
        row.isFree,
        row.isPromo,
        row.walletCommand ? JSON.stringify(row.walletCommand) : null,
        JSON.stringify(row.details),
      ],
    )) as GameTransactionRow[];
    return rows[0] ?? null;
  }

  public async find(
    providerId: string,
    externalId: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<GameTransactionRow | null> {
    const rows = (await manager.query(
      `SELECT ${COLUMNS} FROM game_transactions WHERE provider_id = $1 AND external_id = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [providerId, externalId],
    )) as GameTransactionRow[];
    return rows[0] ?? null;
  }

  /** Moves a row from one of `from` to `to`; false when another request moved it first. */
  public async transition(
    id: string,
    from: GameTransactionStatus[],
    to: GameTransactionStatus,
    manager: EntityManager,
    result: { failure?: string; walletTransactionId?: string } = {},
  ): Promise<boolean> {
    const updated = (await manager.query(
      `UPDATE game_transactions SET status = $3, failure = coalesce($4, failure),
              wallet_transaction_id = coalesce($5::uuid, wallet_transaction_id), updated_at = now()
        WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
      [id, from, to, result.failure ?? null, result.walletTransactionId ?? null],
    )) as [unknown[], number];
    return updated[1] > 0;
  }

  /** Wins of this bet still being applied (a rollback of the bet waits for them). */
  public async countPendingWins(providerId: string, betExternalId: string, manager: EntityManager): Promise<number> {
    const rows = (await manager.query(
      `SELECT count(*)::int AS count FROM game_transactions
        WHERE provider_id = $1 AND reference_external_id = $2 AND kind = 'win' AND status = 'pending'`,
      [providerId, betExternalId],
    )) as { count: number }[];
    return rows[0]?.count ?? 0;
  }

  public async upsertRound(round: {
    providerId: string;
    userId: string;
    gameCode: string;
    providerRoundId: string;
    currency: string;
  }): Promise<string> {
    const rows = (await this.dataSource.query(
      `INSERT INTO game_rounds (provider_id, user_id, game_code, provider_round_id, currency) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (provider_id, user_id, game_code, provider_round_id) DO UPDATE SET provider_round_id = EXCLUDED.provider_round_id
       RETURNING id`,
      [round.providerId, round.userId, round.gameCode, round.providerRoundId, round.currency],
    )) as { id: string }[];
    const id = rows[0]?.id;
    if (!id) throw new Error('game round was not stored');
    return id;
  }

  /** Closes the round once; answers its totals when this call closed it, null when it was closed already. */
  public async closeRound(roundId: string, at: Date, manager: EntityManager): Promise<RoundTotals | null> {
    const closed = (await manager.query(
      `UPDATE game_rounds SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'open' RETURNING id`,
      [roundId, at],
    )) as [unknown[], number];
    if (closed[1] === 0) return null;
    const rows = (await manager.query(
      `SELECT r.provider_round_id AS "providerRoundId", r.user_id AS "userId", r.game_code AS "gameCode", r.currency,
              r.opened_at AS "openedAt",
              coalesce(sum(t.amount) FILTER (WHERE t.kind = 'bet' AND t.status = 'applied'), 0)::text AS "totalBet",
              coalesce(sum(t.amount) FILTER (WHERE t.kind = 'win' AND t.status = 'applied'), 0)::text AS "totalWin"
         FROM game_rounds r LEFT JOIN game_transactions t ON t.round_id = r.id
        WHERE r.id = $1 GROUP BY r.id`,
      [roundId],
    )) as (Omit<RoundTotals, 'totalBet' | 'totalWin'> & { totalBet: string; totalWin: string })[];
    const row = rows[0];
    return row ? { ...row, totalBet: BigInt(row.totalBet), totalWin: BigInt(row.totalWin) } : null;
  }

  public async gameExists(providerId: string, gameCode: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM games WHERE provider_id = $1 AND game_code = $2 AND enabled`,
      [providerId, gameCode],
    )) as unknown[];
    return rows.length > 0;
  }
}
