import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface AuditEntry {
  actorId: string | null;
  actorRoles: string[];
  /** `wallet.adjust`, `user.role.grant`, `kyc.decide`... */
  action: string;
  targetType: string;
  targetId: string | null;
  ip?: string | null;
  userAgent?: string;
  requestId?: string;
  /** What changed and why; never secrets. */
  details: Record<string, unknown>;
}

/**
 * The append-only record of every admin and security-relevant action. Pass the caller's
 * transaction manager so the record commits or rolls back with the action itself.
 */
@Injectable()
export class AuditLog {
  public constructor(private readonly dataSource: DataSource) {}

  public async record(entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (actor_id, actor_roles, action, target_type, target_id, ip, user_agent, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
      [
        entry.actorId,
        entry.actorRoles,
        entry.action,
        entry.targetType,
        entry.targetId,
        entry.ip ?? null,
        entry.userAgent ?? null,
        entry.requestId ?? null,
        JSON.stringify(entry.details),
      ],
    );
  }
}
