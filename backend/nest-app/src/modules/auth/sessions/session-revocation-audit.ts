import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../user/user-directory';
import { SecurityEventRepository } from '../security-events/security-event.repository';

/**
 * Why sessions end: the caller's own (`logout`), another of the owner's (`owner`), all of them (`logout-all`),
 * all of them by staff (`staff`, with the staff's note).
 */
export type RevocationReason = 'logout' | 'owner' | 'logout-all' | 'staff' | SystemRevocationReason;

/** Why the system ends a session on its own: a rotated-out refresh token came back, or the account is not active. */
export type SystemRevocationReason = 'refresh-token-reused' | 'account-inactive';

/** The actor of a revocation no one asked for (audited with a null actor id and the role `system`). */
export const SYSTEM_ACTOR = 'system';

export interface SessionRevocation {
  actor: AuthenticatedUser | typeof SYSTEM_ACTOR;
  /** Whose sessions end. */
  userId: string;
  /** Session ids (the access tokens' `sid`), never a token. */
  sessionIds: string[];
  reason: RevocationReason;
  /** Staff's own words for a `staff` revocation. */
  note?: string;
  origin: RequestOrigin;
}

/**
 * Session revocations with their audit record (`user.session.revoke`, or `user.session.revoke_all` for
 * logout-all and staff's revocation) and security event. Sessions live in Redis, outside the database transaction: the revocation
 * runs last inside it, so a record that cannot be written ends no session and a revocation that fails
 * records nothing. Only a commit that fails after Redis ended the sessions leaves them ended unrecorded.
 */
@Injectable()
export class SessionRevocationAudit {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLog,
    private readonly events: SecurityEventRepository,
  ) {}

  /** Records `revocation` and runs `revoke` (which throws to end nothing) in one transaction. */
  public async commit(revocation: SessionRevocation, revoke: () => Promise<void>): Promise<void> {
    const { actor, userId, sessionIds, reason, note, origin } = revocation;
    const all = reason === 'logout-all' || reason === 'staff';
    const system = actor === SYSTEM_ACTOR;
    const actorId = system ? null : actor.userId;
    const noted = note === undefined ? {} : { note };
    await this.dataSource.transaction(async (manager) => {
      await this.auditLog.record(
        {
          actorId,
          actorRoles: system ? [SYSTEM_ACTOR] : actor.roles,
          action: all ? 'user.session.revoke_all' : 'user.session.revoke',
          targetType: 'user',
          targetId: userId,
          ip: origin.ip,
          userAgent: origin.userAgent,
          requestId: origin.requestId,
          details: { reason, ...noted, count: sessionIds.length, sessionIds },
        },
        manager,
      );
      await this.events.record(
        all
          ? {
              kind: 'session.revoked_all',
              userId,
              origin,
              details: {
                reason,
                count: sessionIds.length,
                ...(actorId === userId ? {} : { by: actorId ?? SYSTEM_ACTOR }),
              },
            }
          : {
              kind: 'session.revoked',
              userId,
              sessionId: sessionIds[0],
              origin,
              details: { by: system ? SYSTEM_ACTOR : reason, ...(system ? { reason } : {}) },
            },
        manager,
      );
      await revoke();
    });
  }
}
