import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { StaffActor } from './staff-actor';

export interface StaffAuditRecord {
  action: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  details?: Record<string, unknown>;
}

/** Every staff action of this module in the audit log, with its actor, reason and before/after. */
@Injectable()
export class StaffAudit {
  public constructor(private readonly auditLog: AuditLog) {}

  public record(actor: StaffActor, record: StaffAuditRecord, manager?: EntityManager): Promise<void> {
    return this.auditLog.record(
      {
        actorId: actor.user.userId,
        actorRoles: actor.user.roles,
        action: record.action,
        targetType: record.targetType,
        targetId: record.targetId,
        ip: actor.origin.ip,
        userAgent: actor.origin.userAgent,
        requestId: actor.origin.requestId,
        details: { reason: record.reason, before: record.before, after: record.after, ...record.details },
      },
      manager,
    );
  }
}
