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
  /** The provider's round id: its round is created (or found) with the row when `roundId` is null. */
  round: string | null;
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

/** How long a game seen enabled is trusted without reading the catalog again. */
const GAME_CACHE_MS = 5_000;

const COLUMNS = `id, provider_id AS "providerId", external_id AS "externalId", kind, status, failure, fingerprint,
  user_id AS "userId", round_id AS "roundId", round_closed AS "roundClosed", game_code AS "gameCode", currency,
  amount::text AS amount, reference_external_id AS "referenceExternalId", is_free AS "isFree",
  wallet_transaction_id AS "walletTransactionId", wallet_command AS "walletCommand",
  (extract(epoch FROM clock_timestamp() - updated_at) * 1000)::float8 AS "ageMs"`;

const INSERT_COLUMNS = `provider_id, external_id, kind, status, fingerprint, user_id, session_id, round_id, round_closed,
  game_code, currency, amount, reference_external_id, is_free, is_promo, wallet_command, details`;
const INSERT_VALUES = `$1::uuid, $2::text, $3::text, $4::text, $5::text, $6::uuid, $7::uuid,
  coalesce($8::uuid, (SELECT id FROM round)), $9::boolean, $10::text, $11::char(3), $12::bigint, $13::text,
  $14::boolean, $15::boolean, $16::jsonb, $17::jsonb`;
/** The round of a transaction ($18, the provider's round id), created on its first transaction. */
const UPSERT_ROUND = `INSERT INTO game_rounds (provider_id, user_id, game_code, provider_round_id, currency)
  SELECT $1::uuid, $6::uuid, $10::text, $18::text, $11::char(3)`;
const ROUND_CONFLICT = `ON CONFLICT (provider_id, user_id, game_code, provider_round_id)
  DO UPDATE SET provider_round_id = EXCLUDED.provider_round_id RETURNING id`;

export interface WinClaim {
  /** The win's new row; null when it was not inserted. */
  claimed: GameTransactionRow | null;
  /** The referenced bet as found under lock (null: unknown id). */
  bet: Pick<GameTransactionRow, 'kind' | 'status' | 'userId'> | null;
  /** The win's own id was known already (a retry): answer as a replay. */
  known: boolean;
}

function claimParameters(row: NewGameTransaction): unknown[] {
  return [
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
    row.round,
  ];
}

/** The record of every provider transaction id; the unique (provider, external id) key arbitrates races. */
@Injectable()
export class GameTransactionsRepository {
  /** Enabled games by provider and code, with when they were seen enabled. */
  private readonly enabledGames = new Map<string, number>();

  public constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts the row unless the id is known; null when it was (the caller then reads what is there).
   * With `round` set, the round is upserted in the same statement (one round trip, ADR 0011).
   */
  public async claim(
    row: NewGameTransaction,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<GameTransactionRow | null> {
    const rows = (await manager.query(
      `WITH round AS (${UPSERT_ROUND} WHERE $18::text IS NOT NULL AND $10::text IS NOT NULL ${ROUND_CONFLICT})
       INSERT INTO game_transactions (${INSERT_COLUMNS})
       VALUES (${INSERT_VALUES}) ON CONFLICT (provider_id, external_id) DO NOTHING RETURNING ${COLUMNS}`,
      claimParameters(row),
    )) as GameTransactionRow[];
    return rows[0] ?? null;
  }

  /**
   * A win's claim in one statement (one round trip, ADR 0011): under a lock of the referenced bet's row
   * (so it is serialised with the bet's rollbacks, as `RollbackFlow` locks it too), the win is inserted
   * only when its own id is new and the bet is an applied bet of the same player. Answers what it found,
   * so that the caller can replay, refuse, or wait for a pending bet.
   */
  public async claimWin(row: NewGameTransaction, betExternalId: string): Promise<WinClaim> {
    const rows = (await this.dataSource.query(
      `WITH bet AS (SELECT kind, status, user_id AS "userId" FROM game_transactions
                     WHERE provider_id = $1 AND external_id = $19 FOR UPDATE),
            own AS (SELECT 1 FROM game_transactions WHERE provider_id = $1 AND external_id = $2),
            allowed AS (SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM own)
                          AND EXISTS (SELECT 1 FROM bet WHERE kind = 'bet' AND status = 'applied' AND "userId" = $6::uuid)),
            round AS (${UPSERT_ROUND} WHERE $18::text IS NOT NULL AND $10::text IS NOT NULL
                        AND EXISTS (SELECT 1 FROM allowed) ${ROUND_CONFLICT}),
            claimed AS (INSERT INTO game_transactions (${INSERT_COLUMNS})
                        SELECT ${INSERT_VALUES} WHERE EXISTS (SELECT 1 FROM allowed)
                        ON CONFLICT (provider_id, external_id) DO NOTHING RETURNING ${COLUMNS})
       SELECT (SELECT row_to_json(claimed) FROM claimed) AS claimed, (SELECT row_to_json(bet) FROM bet) AS bet,
              EXISTS (SELECT 1 FROM own) AS known`,
      [...claimParameters(row), betExternalId],
    )) as { claimed: GameTransactionRow | null; bet: WinClaim['bet']; known: boolean }[];
    const result = rows[0];
    if (!result) throw new Error('the win claim answered no row');
    return result;
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

  /** Closes the round once; answers its totals when this call closed it, null when it was closed already. */
  public async closeRound(roundId: string, at: Date, manager: EntityManager): Promise<RoundTotals | null> {
    // One statement: close it and, when this call closed it, sum what stands in it (seen in this transaction).
    const rows = (await manager.query(
      `WITH closed AS (
         UPDATE game_rounds SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'open'
         RETURNING id, provider_round_id, user_id, game_code, currency, opened_at)
       SELECT r.provider_round_id AS "providerRoundId", r.user_id AS "userId", r.game_code AS "gameCode", r.currency,
              r.opened_at AS "openedAt",
              coalesce(sum(t.amount) FILTER (WHERE t.kind = 'bet' AND t.status = 'applied'), 0)::text AS "totalBet",
              coalesce(sum(t.amount) FILTER (WHERE t.kind = 'win' AND t.status = 'applied'), 0)::text AS "totalWin"
         FROM closed r LEFT JOIN game_transactions t ON t.round_id = r.id
        GROUP BY r.id, r.provider_round_id, r.user_id, r.game_code, r.currency, r.opened_at`,
      [roundId, at],
    )) as (Omit<RoundTotals, 'totalBet' | 'totalWin'> & { totalBet: string; totalWin: string })[];
    const row = rows[0];
    return row ? { ...row, totalBet: BigInt(row.totalBet), totalWin: BigInt(row.totalWin) } : null;
  }

  /**
   * Whether the provider's game is enabled. A yes is kept for `GAME_CACHE_MS` (a game disabled by staff
   * or by the catalog sync is refused by wallet calls within that time, ADR 0011); a no is never kept.
   */
  public async gameExists(providerId: string, gameCode: string, now: number): Promise<boolean> {
    const key = `${providerId}:${gameCode}`;
    const seenAt = this.enabledGames.get(key);
    if (seenAt !== undefined && now >= seenAt && now - seenAt < GAME_CACHE_MS) return true;
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM games WHERE provider_id = $1 AND game_code = $2 AND enabled`,
      [providerId, gameCode],
    )) as unknown[];
    if (rows.length === 0) {
      this.enabledGames.delete(key);
      return false;
    }
    if (this.enabledGames.size >= 10_000) this.enabledGames.clear();
    this.enabledGames.set(key, now);
    return true;
  }
}
