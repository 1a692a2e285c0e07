import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type ExclusionKind = 'time_out' | 'self_exclusion';

export interface Exclusion {
  id: string;
  kind: ExclusionKind;
  period: string;
  startsAt: Date;
  /** null: permanent. */
  endsAt: Date | null;
  reason: string | null;
  actorId: string;
}

interface ExclusionRow {
  id: string;
  kind: ExclusionKind;
  period: string;
  starts_at: Date;
  ends_at: Date | null;
  reason: string | null;
  actor_id: string;
}

/** Time-outs and self-exclusions. Rows are never updated or deleted: an exclusion simply ends. */
@Injectable()
export class RgExclusionsRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** Exclusions in force at `at`, self-exclusions first, the longest first. */
  public async findActive(
    userId: string,
    at: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Exclusion[]> {
    const rows = (await manager.query(
      `SELECT id, kind, period, starts_at, ends_at, reason, actor_id FROM rg_exclusions
       WHERE user_id = $1 AND starts_at <= $2 AND (ends_at IS NULL OR ends_at > $2)
       ORDER BY kind = 'self_exclusion' DESC, ends_at DESC NULLS FIRST`,
      [userId, at],
    )) as ExclusionRow[];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      period: row.period,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      reason: row.reason,
      actorId: row.actor_id,
    }));
  }

  public async insert(
    manager: EntityManager,
    userId: string,
    exclusion: Omit<Exclusion, 'id'>,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO rg_exclusions (user_id, kind, period, starts_at, ends_at, reason, actor_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        userId,
        exclusion.kind,
        exclusion.period,
        exclusion.startsAt,
        exclusion.endsAt,
        exclusion.reason,
        exclusion.actorId,
        at,
      ],
    );
  }
}
