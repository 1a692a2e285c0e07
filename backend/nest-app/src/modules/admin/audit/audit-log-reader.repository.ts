import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KeysetPosition } from '../shared/keyset-cursor';

export interface AuditQuery {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
  after: KeysetPosition | null;
  limit: number;
}

export interface AuditRow {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorRoles: string[];
  action: string;
  targetType: string;
  targetId: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  cursorAt: string;
}

/** Reads the append-only audit_log (written through common/audit); newest first, keyset on (occurred_at, id). */
@Injectable()
export class AuditLogReaderRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async list(query: AuditQuery): Promise<AuditRow[]> {
    return (await this.dataSource.query(
      `SELECT id, occurred_at AS "occurredAt", actor_id AS "actorId", actor_roles AS "actorRoles", action,
              target_type AS "targetType", target_id AS "targetId", host(ip) AS ip, request_id AS "requestId", details,
              occurred_at::text AS "cursorAt"
         FROM audit_log
        WHERE ($1::uuid IS NULL OR actor_id = $1) AND ($2::text IS NULL OR action = $2)
          AND ($3::text IS NULL OR target_type = $3) AND ($4::text IS NULL OR target_id = $4)
          AND ($5::timestamptz IS NULL OR occurred_at >= $5) AND ($6::timestamptz IS NULL OR occurred_at < $6)
          AND ($7::timestamptz IS NULL OR (occurred_at, id) < ($7::timestamptz, $8::uuid))
        ORDER BY occurred_at DESC, id DESC LIMIT $9`,
      [
        query.actorId ?? null,
        query.action ?? null,
        query.targetType ?? null,
        query.targetId ?? null,
        query.from ?? null,
        query.to ?? null,
        query.after?.at ?? null,
        query.after?.id ?? null,
        query.limit + 1,
      ],
    )) as AuditRow[];
  }
}
