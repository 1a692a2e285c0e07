import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Coalescer } from '../../../common/batching/coalescer';
import { HotPathDatabase } from '../../../infra/database/hot-path-database';
import type { PreparedStatement } from '../../../infra/database/prepared-statement';
import type { PlayerBonusStatus } from './player-bonus.state-machine';
import type { ActiveBonusTerms, BonusTransition, NewPlayerBonus, PlayerBonus } from './player-bonus.types';

interface PlayerBonusRow {
  id: string;
  user_id: string;
  template_id: string;
  template_name: string;
  grant_key: string;
  currency: string;
  status: PlayerBonusStatus;
  amount: string;
  wagering_required: string;
  wagering_done: string;
  game_weights: Record<string, number>;
  default_weight: number;
  max_bet: string;
  max_conversion: string | null;
  expires_at: Date;
  granted_by: string | null;
  reason: string | null;
  grant_transaction_id: string | null;
  end_transaction_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `SELECT b.id, b.user_id, b.template_id, t.name AS template_name, b.grant_key, b.currency, b.status,
    b.amount::text, b.wagering_required::text, b.wagering_done::text, b.game_weights, b.default_weight,
    b.max_bet::text, b.max_conversion::text, b.expires_at, b.granted_by, b.reason, b.grant_transaction_id,
    b.end_transaction_id, b.created_at, b.updated_at
  FROM player_bonuses b JOIN bonus_templates t ON t.id = b.template_id`;

/** The bet path's look-up, one statement for the bets arriving together (partial unique index: user_id, active). */
const ACTIVE_TERMS: PreparedStatement = {
  name: 'bonus_active_terms_v1',
  text: `SELECT u.ord::int AS ord, b.id, b.max_bet::text AS max_bet, b.game_weights, b.default_weight
           FROM unnest($1::uuid[]) WITH ORDINALITY AS u(user_id, ord)
           JOIN player_bonuses b ON b.user_id = u.user_id AND b.status = 'active'`,
};

interface ActiveTermsRow {
  ord: number;
  id: string;
  max_bet: string;
  game_weights: Record<string, number>;
  default_weight: number;
}

/** Player bonuses and their transitions log; the status only moves through `transition`. */
@Injectable()
export class PlayerBonusesRepository {
  private readonly activeReads = new Coalescer<string, ActiveBonusTerms | null>(
    (userIds) => this.activeTermsBatch(userIds),
    { name: 'bonus_active_lookup', maxBatchSize: 64, maxInFlight: 1 },
  );

  public constructor(
    private readonly dataSource: DataSource,
    private readonly hotPath: HotPathDatabase,
  ) {}

  /**
   * Inserts the bonus as offered (with its log row) unless its grant key exists; false: it did. `freeSpins`: a
   * free-spins bonus, whose amount is what its spins will win.
   */
  public async insertOffered(
    manager: EntityManager,
    bonus: NewPlayerBonus,
    cause: string,
    { freeSpins = false }: { freeSpins?: boolean } = {},
  ): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO player_bonuses (id, user_id, template_id, grant_key, currency, status, amount, wagering_required,
         game_weights, default_weight, max_bet, max_conversion, expires_at, granted_by, reason, created_at, updated_at,
         free_spins)
       VALUES ($1, $2, $3, $4, $5, 'offered', $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $15, $16)
       ON CONFLICT (grant_key) DO NOTHING RETURNING id`,
      [
        bonus.id,
        bonus.userId,
        bonus.templateId,
        bonus.grantKey,
        bonus.currency,
        bonus.amount.toString(),
        bonus.wageringRequired.toString(),
        JSON.stringify(bonus.gameWeights),
        bonus.defaultWeight,
        bonus.maxBet.toString(),
        bonus.maxConversion?.toString() ?? null,
        bonus.expiresAt,
        bonus.grantedBy,
        bonus.reason,
        bonus.createdAt,
        freeSpins,
      ],
    )) as unknown[];
    if (rows.length === 0) return false;
    await this.log(manager, { id: bonus.id, from: null, to: 'offered', cause, actorId: bonus.grantedBy });
    return true;
  }

  public async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<PlayerBonus | null> {
    const [row] = (await manager.query(`${SELECT} WHERE b.id = $1`, [id])) as PlayerBonusRow[];
    return row ? toBonus(row) : null;
  }

  public async findByGrantKey(grantKey: string): Promise<PlayerBonus | null> {
    const [row] = (await this.dataSource.query(`${SELECT} WHERE b.grant_key = $1`, [grantKey])) as PlayerBonusRow[];
    return row ? toBonus(row) : null;
  }

  /** The row locked for a status change, in the caller's transaction. */
  public async lockById(manager: EntityManager, id: string): Promise<PlayerBonus | null> {
    const [row] = (await manager.query(`${SELECT} WHERE b.id = $1 FOR UPDATE OF b`, [id])) as PlayerBonusRow[];
    return row ? toBonus(row) : null;
  }

  /** Newest first, at most 100. */
  public async listOfPlayer(userId: string): Promise<PlayerBonus[]> {
    const rows = (await this.dataSource.query(`${SELECT} WHERE b.user_id = $1 ORDER BY b.created_at DESC LIMIT 100`, [
      userId,
    ])) as PlayerBonusRow[];
    return rows.map(toBonus);
  }

  /**
   * Serialises the activations of one player's bonuses until the transaction ends, so that "no other active bonus"
   * read after it stays true until commit (the unique index would otherwise answer a concurrent second with 23505).
   */
  public async lockPlayer(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('player_bonuses:' || $1, 0))`, [userId]);
  }

  public async activeIdOf(manager: EntityManager, userId: string): Promise<string | null> {
    const [row] = (await manager.query(`SELECT id FROM player_bonuses WHERE user_id = $1 AND status = 'active'`, [
      userId,
    ])) as { id: string }[];
    return row?.id ?? null;
  }

  /** The hot path's look-up: coalesced with the other bets arriving at once (ADR 0011), one indexed probe each. */
  public activeTermsOf(userId: string): Promise<ActiveBonusTerms | null> {
    return this.activeReads.submit(userId);
  }

  private async activeTermsBatch(userIds: string[]): Promise<(ActiveBonusTerms | null)[]> {
    const answers: (ActiveBonusTerms | null)[] = userIds.map(() => null);
    for (const row of await this.hotPath.query<ActiveTermsRow>(ACTIVE_TERMS, [userIds])) {
      answers[row.ord - 1] = {
        id: row.id,
        maxBet: BigInt(row.max_bet),
        gameWeights: row.game_weights,
        defaultWeight: row.default_weight,
      };
    }
    return answers;
  }

  /** Whether the player ever had a bonus from a deposit match (one welcome bonus per person). */
  public async hasDepositMatch(manager: EntityManager, userId: string): Promise<boolean> {
    const rows = (await manager.query(
      `SELECT 1 FROM player_bonuses WHERE user_id = $1 AND grant_key LIKE 'deposit:%' LIMIT 1`,
      [userId],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Offered and active bonuses past their expiry, oldest first, skipping rows another transaction holds right now
   * (a bonus being ended by a concurrent sweep, forfeit or cancel: that one ends it).
   */
  public async expiredIds(now: Date, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM player_bonuses WHERE status IN ('offered', 'active') AND expires_at <= $1
        ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** Bonuses whose wagering completed at or before `before` and that are not converted yet (a failure, a crash). */
  public async awaitingConversionIds(before: Date, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM player_bonuses WHERE status = 'wagering_complete' AND updated_at <= $1
        ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [before, limit],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** The log rows of one bonus into `to`, oldest first (a staff cancel's retry finds its Idempotency-Key here). */
  public async transitionsInto(
    bonusId: string,
    to: PlayerBonusStatus,
  ): Promise<{ details: Record<string, unknown> }[]> {
    return (await this.dataSource.query(
      `SELECT details FROM player_bonus_transitions WHERE player_bonus_id = $1 AND to_status = $2 ORDER BY id`,
      [bonusId, to],
    )) as { details: Record<string, unknown> }[];
  }

  /** Moves the status from `from` to `to` (with its log row); false when the row was not in `from`. */
  public async transition(manager: EntityManager, change: BonusTransition): Promise<boolean> {
    const rows = (await manager.query(
      `UPDATE player_bonuses SET status = $3, updated_at = now(),
              grant_transaction_id = coalesce($4, grant_transaction_id),
              end_transaction_id = coalesce($5, end_transaction_id)
        WHERE id = $1 AND status = $2 RETURNING id`,
      [change.id, change.from, change.to, change.grantTransactionId ?? null, change.endTransactionId ?? null],
    )) as [unknown[], number] | unknown[];
    const moved = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length > 0 : rows.length > 0;
    if (moved) await this.log(manager, change);
    return moved;
  }

  private async log(
    manager: EntityManager,
    change: Omit<BonusTransition, 'from' | 'cause'> & { from: string | null; cause: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO player_bonus_transitions (player_bonus_id, from_status, to_status, cause, actor_id,
         ledger_transaction_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [
        change.id,
        change.from,
        change.to,
        change.cause,
        change.actorId ?? null,
        change.ledgerTransactionId ?? null,
        JSON.stringify(change.details ?? {}),
      ],
    );
  }
}

function toBonus(row: PlayerBonusRow): PlayerBonus {
  return {
    id: row.id,
    userId: row.user_id,
    templateId: row.template_id,
    templateName: row.template_name,
    grantKey: row.grant_key,
    currency: row.currency,
    status: row.status,
    amount: BigInt(row.amount),
    wageringRequired: BigInt(row.wagering_required),
    wageringDone: BigInt(row.wagering_done),
    gameWeights: row.game_weights,
    defaultWeight: row.default_weight,
    maxBet: BigInt(row.max_bet),
    maxConversion: row.max_conversion === null ? null : BigInt(row.max_conversion),
    expiresAt: row.expires_at,
    grantedBy: row.granted_by,
    reason: row.reason,
    grantTransactionId: row.grant_transaction_id,
    endTransactionId: row.end_transaction_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
