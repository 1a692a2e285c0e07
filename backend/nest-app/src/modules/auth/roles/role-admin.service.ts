import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { Role } from '../../../common/auth/roles';
import { UserDirectory, type RequestOrigin, type UserAccount } from '../../user/user-directory';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { SessionService } from '../sessions/session.service';

/** Staff role changes: audited, and applied at once to the user's live sessions. */
@Injectable()
export class RoleAdminService {
  public constructor(
    private readonly users: UserDirectory,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly events: SecurityEventRepository,
  ) {}

  public async grant(
    actor: AuthenticatedUser,
    userId: string,
    role: Role,
    origin: RequestOrigin,
  ): Promise<UserAccount> {
    await this.requireUser(userId);
    const account = await this.users.grantRole(userId, role);
    await this.afterChange(actor, account, 'grant', role, origin);
    return account;
  }

  public async revoke(
    actor: AuthenticatedUser,
    userId: string,
    role: Role,
    origin: RequestOrigin,
  ): Promise<UserAccount> {
    if (actor.userId === userId && role === 'admin') {
      throw new DomainError('ROLE_CHANGE_NOT_ALLOWED', 'An admin cannot revoke their own admin role');
    }
    await this.requireUser(userId);
    const account = await this.users.revokeRole(userId, role);
    await this.afterChange(actor, account, 'revoke', role, origin);
    return account;
  }

  private async requireUser(userId: string): Promise<void> {
    if (!(await this.users.findById(userId))) {
      throw new DomainError('USER_NOT_FOUND', 'No such user');
    }
  }

  private async afterChange(
    actor: AuthenticatedUser,
    account: UserAccount,
    change: 'grant' | 'revoke',
    role: Role,
    origin: RequestOrigin,
  ): Promise<void> {
    await this.sessions.updateRoles(account);
    await this.audit.record({
      actorId: actor.userId,
      actorRoles: actor.roles,
      action: `user.role.${change}`,
      targetType: 'user',
      targetId: account.id,
      ip: origin.ip,
      userAgent: origin.userAgent,
      requestId: origin.requestId,
      details: { role, rolesAfter: account.roles },
    });
    await this.events.record({
      kind: change === 'grant' ? 'role.granted' : 'role.revoked',
      userId: account.id,
      origin,
      details: { role, by: actor.userId },
    });
  }
}
