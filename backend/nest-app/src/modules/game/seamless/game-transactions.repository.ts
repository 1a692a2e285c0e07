import { GAME_ROUND_CLOSED, type TraceCarrier } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { Coalescer } from '../../../common/batching/coalescer';
import { HotPathDatabase } from '../../../infra/database/hot-path-database';
import { isTransientConflict, runPrepared, type PreparedStatement } from '../../../infra/database/prepared-statement';
import type { AttachedStatement } from '../../../infra/database/attached-statement';
import {
  APPLY_AND_CLOSE,
  applyAndCloseParts,
  CLAIM,
  CLAIM_WINS,
  CLOSE_ROUNDS,
  ROW_COLUMNS,
  roundClosedEventsCte,
} from './game-transactions.sql';

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
  /** When the provider's call created it (a Date, or its ISO text when read back as JSON). */
  createdAt: Date | string;
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

export interface ClosedRound extends RoundTotals {
  roundId: string;
  closedAt: Date;
}

/** How long a game seen enabled is trusted without reading the catalog again. */
const GAME_CACHE_MS = 5_000;

/** Coalesced batches (ADR 0011): at most this many rows per statement, and this many statements of a kind at once. */
const BATCH = { maxBatchSize: 64, maxInFlight: 1 };

export interface WinClaim {
  /** The win's new row; null when it was not inserted. */
  claimed: GameTransactionRow | null;
  /** The referenced bet as found under lock (null: unknown id). */
  bet: Pick<GameTransactionRow, 'kind' | 'status' | 'userId'> | null;
  /** The win's own id was known already (a retry): answer as a replay. */
  known: boolean;
}

interface WinClaimInput {
  row: NewGameTransaction;
  betExternalId: string;
}

export interface AppliedInput {
  id: string;
  walletTransactionId: string | null;
}

/** The rows as the claim statements' parallel arrays ($1..$18). */
function claimColumns(rows: NewGameTransaction[]): unknown[][] {
  return [
    rows.map((row) => row.providerId),
    rows.map((row) => row.externalId),
    rows.map((row) => row.kind),
    rows.map((row) => row.status),
    rows.map((row) => row.fingerprint),
    rows.map((row) => row.userId),
    rows.map((row) => row.sessionId),
    rows.map((row) => row.roundId),
    rows.map((row) => row.roundClosed),
    rows.map((row) => row.gameCode),
    rows.map((row) => row.currency),
    rows.map((row) => row.amount?.toString() ?? null),
    rows.map((row) => row.referenceExternalId),
    rows.map((row) => row.isFree),
    rows.map((row) => row.isPromo),
    rows.map((row) => (row.walletCommand ? JSON.stringify(row.walletCommand) : null)),
    rows.map((row) => JSON.stringify(row.details)),
    rows.map((row) => row.round),
  ];
}

const rowKey = (row: Pick<NewGameTransaction, 'providerId' | 'externalId'>): string =>
  `${row.providerId}:${row.externalId}`;

/**
 * The record of every provider transaction id; the unique (provider, external id) key arbitrates races.
 * The hot-path statements outside transactions are coalesced: concurrent calls share one set-based statement.
 */
@Injectable()
export class GameTransactionsRepository {
  /** Enabled games by provider and code, with when they were seen enabled. */
  private readonly enabledGames = new Map<string, { at: number; category: string }>();
  private readonly claims = new Coalescer<NewGameTransaction, GameTransactionRow | null>(
    (rows) => this.claimRows(rows),
    { ...BATCH, name: 'game_claim', keyOf: rowKey, isRetryable: isTransientConflict },
  );
  private readonly winClaims = new Coalescer<WinClaimInput, WinClaim>((inputs) => this.claimWinRows(inputs), {
    ...BATCH,
    name: 'game_claim_win',
    keyOf: (input) => rowKey(input.row),
    isRetryable: isTransientConflict,
  });

  public constructor(
    private readonly dataSource: DataSource,
    private readonly hotPath: HotPathDatabase,
  ) {}

  /**
   * Inserts the row unless the id is known; null when it was (the caller then reads what is there).
   * With `round` set, the round is upserted in the same statement. Outside a transaction, concurrent
   * claims go together into one statement.
   */
  public async claim(row: NewGameTransaction, manager?: EntityManager): Promise<GameTransactionRow | null> {
    if (!manager) return this.claims.submit(row);
    const [claimed] = await this.claimRows([row], manager);
    return claimed ?? null;
  }

  /**
   * A win's claim (one statement, coalesced with concurrent ones): under a lock of the referenced bet's row,
   * the win is inserted only when its own id is new and the bet is an applied bet of the same player.
   * Answers what it found, so that the caller can replay, refuse, or wait for a pending bet.
   */
  public claimWin(row: NewGameTransaction, betExternalId: string): Promise<WinClaim> {
    return this.winClaims.submit({ row, betExternalId });
  }

  private async claimRows(rows: NewGameTransaction[], manager?: EntityManager): Promise<(GameTransactionRow | null)[]> {
    const inserted = await this.run<GameTransactionRow>(CLAIM, claimColumns(rows), manager);
    const byKey = new Map(inserted.map((row) => [rowKey(row), row]));
    return rows.map((row) => byKey.get(rowKey(row)) ?? null);
  }

  private claimWinRows(inputs: WinClaimInput[]): Promise<WinClaim[]> {
    const columns = [...claimColumns(inputs.map((input) => input.row)), inputs.map((input) => input.betExternalId)];
    return this.run<WinClaim & QueryResultRow>(CLAIM_WINS, columns);
  }

  /**
   * Pending rows become applied and the rounds they close (`closeRoundId`) are closed at `at`, in one statement:
   * answers the ids that moved and the totals of the rounds this call closed.
   */
  public async applyAndClose(
    rows: (AppliedInput & { closeRoundId: string | null })[],
    at: Date,
    manager: EntityManager,
  ): Promise<AppliedAndClosed> {
    const [row] = await this.run<{ answer: unknown }>(APPLY_AND_CLOSE, applyAndCloseValues(rows, at), manager);
    return appliedAndClosedFrom(row?.answer);
  }

  /**
   * `applyAndClose` as a fragment of the ledger's batch statement, with the `game.round.closed` events of the rounds
   * it closes; its output decodes with `appliedAndClosedFrom`.
   */
  public applyAndCloseStatement(
    rows: (AppliedInput & { closeRoundId: string | null; providerCode: string; trace: TraceCarrier | null })[],
    at: Date,
  ): AttachedStatement {
    const { ctes, output } = applyAndCloseParts('game_');
    return {
      key: `${APPLY_AND_CLOSE.name}+events_v2`,
      ctes: `${ctes},\n${roundClosedEventsCte('game_')}`,
      output,
      // What GameRowEnds' finish checks: every row was still pending and is now applied.
      mustHold: '(SELECT count(*) FROM game_applied) = (SELECT count(*) FROM game_input)',
      values: [
        ...applyAndCloseValues(rows, at),
        GAME_ROUND_CLOSED,
        1,
        rows.map((row) => row.providerCode),
        rows.map((row) => (row.trace ? JSON.stringify(row.trace) : null)),
      ],
    };
  }

  /** Closes each round once; answers the totals of the rounds this call closed (closed already: absent). */
  public async closeRounds(rounds: { roundId: string; at: Date }[], manager: EntityManager): Promise<ClosedRound[]> {
    if (rounds.length === 0) return [];
    const rows = await this.run<Omit<ClosedRound, 'totalBet' | 'totalWin'> & { totalBet: string; totalWin: string }>(
      CLOSE_ROUNDS,
      [rounds.map((round) => round.roundId), rounds.map((round) => round.at)],
      manager,
    );
    return rows.map((row) => ({ ...row, totalBet: BigInt(row.totalBet), totalWin: BigInt(row.totalWin) }));
  }

  /** A prepared statement in the caller's transaction, or on its own (autocommit) on the hot-path pool. */
  private async run<T extends QueryResultRow>(
    statement: PreparedStatement,
    values: unknown[],
    manager?: EntityManager,
  ): Promise<T[]> {
    if (manager?.queryRunner) return (await runPrepared<T>(manager.queryRunner, statement, values)).rows;
    return this.hotPath.query<T>(statement, values);
  }

  public async find(
    providerId: string,
    externalId: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<GameTransactionRow | null> {
    const rows = (await manager.query(
      `SELECT ${ROW_COLUMNS} FROM game_transactions WHERE provider_id = $1 AND external_id = $2 ${lock ? 'FOR UPDATE' : ''}`,
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

  /**
   * Whether the provider's game is enabled. A yes is kept for `GAME_CACHE_MS` (a game disabled by staff
   * or by the catalog sync is refused by wallet calls within that time, ADR 0011); a no is never kept.
   */
  public async gameExists(providerId: string, gameCode: string, now: number): Promise<boolean> {
    return (await this.gameCategory(providerId, gameCode, now)) !== null;
  }

  /** The enabled game's category (bonus wagering weights, docs/bonuses.md), or null when it is not enabled; cached as above. */
  public async gameCategory(providerId: string, gameCode: string, now: number): Promise<string | null> {
    const key = `${providerId}:${gameCode}`;
    const seen = this.enabledGames.get(key);
    if (seen !== undefined && now >= seen.at && now - seen.at < GAME_CACHE_MS) return seen.category;
    const [row] = (await this.dataSource.query(
      `SELECT category FROM games WHERE provider_id = $1 AND game_code = $2 AND enabled`,
      [providerId, gameCode],
    )) as { category: string }[];
    if (!row) {
      this.enabledGames.delete(key);
      return null;
    }
    if (this.enabledGames.size >= 10_000) this.enabledGames.clear();
    this.enabledGames.set(key, { at: now, category: row.category });
    return row.category;
  }
}

export interface AppliedAndClosed {
  moved: Set<string>;
  closed: ClosedRound[];
}

function applyAndCloseValues(rows: (AppliedInput & { closeRoundId: string | null })[], at: Date): unknown[] {
  return [
    rows.map((row) => row.id),
    rows.map((row) => row.walletTransactionId),
    rows.map((row) => row.closeRoundId),
    at,
  ];
}

/** The answer of `APPLY_AND_CLOSE` (or its fragment): the ids that moved, the totals of the rounds closed. */
export function appliedAndClosedFrom(answer: unknown): AppliedAndClosed {
  const { applied, closed } = (answer ?? {}) as {
    applied?: string[];
    closed?: (Omit<ClosedRound, 'totalBet' | 'totalWin'> & { totalBet: string; totalWin: string })[];
  };
  return {
    moved: new Set(applied ?? []),
    closed: (closed ?? []).map((round) => ({
      ...round,
      totalBet: BigInt(round.totalBet),
      totalWin: BigInt(round.totalWin),
    })),
  };
}
