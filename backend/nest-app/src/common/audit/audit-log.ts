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
    await manager.query(`${INSERT} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`, parametersOf(entry));
  }

  /**
   * A read's record (a report run), committed before the caller answers but without waiting for the WAL to reach
   * the disk: `synchronous_commit` is off for this one transaction (ADR 0022). A crash of the application loses
   * nothing; only a crash of PostgreSQL itself within wal_writer_delay × 3 (0.6 s by default) of the commit can lose
   * it. Never for a change: those commit with the change itself (`record` with the caller's manager).
   */
  public async recordRead(entry: AuditEntry): Promise<void> {
    await this.dataSource.query(
      `${INSERT} SELECT $1::uuid, $2::text[], $3::text, $4::text, $5::text, $6::inet, $7::text, $8::text, $9::jsonb ` +
        "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS read_only_commit",
      parametersOf(entry),
    );
  }
}

const INSERT =
  'INSERT INTO audit_log (actor_id, actor_roles, action, target_type, target_id, ip, user_agent, request_id, details)';

function parametersOf(entry: AuditEntry): unknown[] {
  return [
    entry.actorId,
    entry.actorRoles,
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.ip ?? null,
    entry.userAgent ?? null,
    entry.requestId ?? null,
    JSON.stringify(entry.details),
  ];
}
