import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LimitChangeAction } from './limit-change-policy';
import type { LimitKey, LimitState } from './rg-limit-types';

export interface StoredLimit extends LimitState {
  key: LimitKey;
  currency: string | null;
}

export interface LimitChangeRecord {
  key: LimitKey;
  action: LimitChangeAction | 'confirmed';
  previousValue: bigint | null;
  requestedValue: bigint | null;
  effectiveValue: bigint | null;
  currency: string | null;
  actorId: string;
  reason: string | null;
  occurredAt: Date;
}

interface LimitRow {
  limit_key: LimitKey;
  currency: string | null;
  value: string | null;
  pending_value: string | null;
  pending_removal: boolean;
  pending_requested_at: Date | null;
  pending_effective_at: Date | null;
}

/** A player's limits and the record of every change to them. */
@Injectable()
export class RgLimitsRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async findAll(userId: string, manager: EntityManager = this.dataSource.manager): Promise<StoredLimit[]> {
    const rows = (await manager.query(`SELECT * FROM rg_limits WHERE user_id = $1`, [userId])) as LimitRow[];
    return rows.map(toStored);
  }

  /** Locks the player's limit rows (and the user row, so a first limit is serialised too). */
  public async lockAll(manager: EntityManager, userId: string): Promise<StoredLimit[]> {
    await manager.query(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [userId]);
    const rows = (await manager.query(`SELECT * FROM rg_limits WHERE user_id = $1 FOR UPDATE`, [userId])) as LimitRow[];
    return rows.map(toStored);
  }

  public async save(manager: EntityManager, userId: string, limit: StoredLimit, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO rg_limits (user_id, limit_key, currency, value, pending_value, pending_removal,
         pending_requested_at, pending_effective_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (user_id, limit_key) DO UPDATE SET currency = $3, value = $4, pending_value = $5,
         pending_removal = $6, pending_requested_at = $7, pending_effective_at = $8, updated_at = $9`,
      [
        userId,
        limit.key,
        limit.currency,
        limit.value?.toString() ?? null,
        limit.pendingValue?.toString() ?? null,
        limit.pendingRemoval,
        limit.pendingRequestedAt,
        limit.pendingEffectiveAt,
        at,
      ],
    );
  }

  public async recordChange(manager: EntityManager, userId: string, change: LimitChangeRecord): Promise<void> {
    await manager.query(
      `INSERT INTO rg_limit_changes (user_id, limit_key, action, previous_value, requested_value, effective_value,
         currency, actor_id, reason, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        userId,
        change.key,
        change.action,
        change.previousValue?.toString() ?? null,
        change.requestedValue?.toString() ?? null,
        change.effectiveValue?.toString() ?? null,
        change.currency,
        change.actorId,
        change.reason,
        change.occurredAt,
      ],
    );
  }
}

function toStored(row: LimitRow): StoredLimit {
  return {
    key: row.limit_key,
    currency: row.currency,
    value: row.value === null ? null : BigInt(row.value),
    pendingValue: row.pending_value === null ? null : BigInt(row.pending_value),
    pendingRemoval: row.pending_removal,
    pendingRequestedAt: row.pending_requested_at,
    pendingEffectiveAt: row.pending_effective_at,
  };
}
