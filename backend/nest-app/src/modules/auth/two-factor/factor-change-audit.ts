import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../user/user-directory';
import { SecurityEventRepository, type SecurityEventKind } from '../security-events/security-event.repository';

export type FactorChangeAction =
  'user.mfa.enable' | 'user.mfa.disable' | 'user.mfa.recovery_codes.regenerate' | 'user.mfa.recovery_code.use';

/** What an audit record may say of a second factor: its kind and masked values, never a secret or code. */
export type FactorChangeDetails = Record<string, string | number | null>;

/** A security event the change raises for the user, e.g. `mfa.enabled` with `{ factor: 'totp' }`. */
export interface FactorChangeEvent {
  kind: SecurityEventKind;
  details?: Record<string, unknown>;
}

/**
 * A user's own change of their second factors, written with its audit record and its security events in
 * one transaction.
 */
@Injectable()
export class FactorChangeAudit {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLog,
    private readonly events: SecurityEventRepository,
  ) {}

  /**
   * Runs `change` (which answers the record's details, or throws to change nothing) and records it; `spend`
   * (e.g. the compare-and-delete of the code that confirms it) runs last in the transaction and throws to
   * roll everything back.
   */
  public async commit(
    user: Pick<AuthenticatedUser, 'userId' | 'roles'>,
    origin: RequestOrigin,
    action: FactorChangeAction,
    change: (manager: EntityManager) => Promise<FactorChangeDetails>,
    events: FactorChangeEvent[],
    spend?: () => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const details = await change(manager);
      await this.auditLog.record(
        {
          actorId: user.userId,
          actorRoles: user.roles,
          action,
          targetType: 'user',
          targetId: user.userId,
          ip: origin.ip,
          userAgent: origin.userAgent,
          requestId: origin.requestId,
          details,
        },
        manager,
      );
      for (const event of events) {
        await this.events.record({ ...event, userId: user.userId, origin }, manager);
      }
      await spend?.();
    });
  }
}
