import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { KycLevel, KycStatus } from './kyc-state-machine';

export interface KycState {
  userId: string;
  status: KycStatus;
  level: KycLevel;
  provider: string;
  providerReference: string;
  reason: string | null;
  reviewedBy: string | null;
  decidedAt: Date | null;
  updatedAt: Date;
}

export interface KycHistoryEntry {
  fromStatus: KycStatus;
  toStatus: KycStatus;
  level: KycLevel;
  reason: string | null;
  actorType: 'player' | 'provider' | 'staff';
  actorId: string | null;
  provider: string | null;
  providerEventId: string | null;
  occurredAt: Date;
}

interface KycRow {
  user_id: string;
  status: KycStatus;
  level: KycLevel;
  provider: string;
  provider_reference: string;
  reason: string | null;
  reviewed_by: string | null;
  decided_at: Date | null;
  updated_at: Date;
}

interface HistoryRow {
  from_status: KycStatus;
  to_status: KycStatus;
  level: KycLevel;
  reason: string | null;
  actor_type: KycHistoryEntry['actorType'];
  actor_id: string | null;
  provider: string | null;
  provider_event_id: string | null;
  occurred_at: Date;
}

/** KYC state and its history. A user without a row has not started. */
@Injectable()
export class KycRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async findByUserId(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<KycState | null> {
    const rows = (await manager.query(`SELECT * FROM user_kyc WHERE user_id = $1`, [userId])) as KycRow[];
    return rows.length > 0 ? toState(rows[0]) : null;
  }

  public async findUserIdByReference(provider: string, reference: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT user_id FROM user_kyc WHERE provider = $1 AND provider_reference = $2`,
      [provider, reference],
    )) as { user_id: string }[];
    return rows[0]?.user_id ?? null;
  }

  public async hasProviderEvent(manager: EntityManager, provider: string, eventId: string): Promise<boolean> {
    const rows = (await manager.query(`SELECT 1 FROM user_kyc_history WHERE provider = $1 AND provider_event_id = $2`, [
      provider,
      eventId,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** Serialises KYC changes of one user (the user row is the lock; a user without KYC has no kyc row yet). */
  public async userExists(userId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM users WHERE id = $1`, [userId])) as unknown[];
    return rows.length > 0;
  }

  public async lockUser(manager: EntityManager, userId: string): Promise<boolean> {
    const rows = (await manager.query(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [userId])) as unknown[];
    return rows.length > 0;
  }

  public async save(manager: EntityManager, state: KycState): Promise<void> {
    await manager.query(
      `INSERT INTO user_kyc (user_id, status, level, provider, provider_reference, reason, reviewed_by, decided_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (user_id) DO UPDATE SET status = $2, level = $3, provider = $4, provider_reference = $5,
         reason = $6, reviewed_by = $7, decided_at = $8, updated_at = $9`,
      [
        state.userId,
        state.status,
        state.level,
        state.provider,
        state.providerReference,
        state.reason,
        state.reviewedBy,
        state.decidedAt,
        state.updatedAt,
      ],
    );
  }

  public async appendHistory(manager: EntityManager, userId: string, entry: KycHistoryEntry): Promise<void> {
    await manager.query(
      `INSERT INTO user_kyc_history (user_id, from_status, to_status, level, reason, actor_type, actor_id, provider,
         provider_event_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        userId,
        entry.fromStatus,
        entry.toStatus,
        entry.level,
        entry.reason,
        entry.actorType,
        entry.actorId,
        entry.provider,
        entry.providerEventId,
        entry.occurredAt,
      ],
    );
  }

  public async listHistory(userId: string): Promise<KycHistoryEntry[]> {
    const rows = (await this.dataSource.query(`SELECT * FROM user_kyc_history WHERE user_id = $1 ORDER BY id`, [
      userId,
    ])) as HistoryRow[];
    return rows.map((row) => ({
      fromStatus: row.from_status,
      toStatus: row.to_status,
      level: row.level,
      reason: row.reason,
      actorType: row.actor_type,
      actorId: row.actor_id,
      provider: row.provider,
      providerEventId: row.provider_event_id,
      occurredAt: row.occurred_at,
    }));
  }
}

function toState(row: KycRow): KycState {
  return {
    userId: row.user_id,
    status: row.status,
    level: row.level,
    provider: row.provider,
    providerReference: row.provider_reference,
    reason: row.reason,
    reviewedBy: row.reviewed_by,
    decidedAt: row.decided_at,
    updatedAt: row.updated_at,
  };
}
