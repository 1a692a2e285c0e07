import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { Role } from '../../../common/auth/roles';
import { UserDirectory, type RequestOrigin, type UserAccount } from '../../user/user-directory';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { SessionService } from '../sessions/session.service';

type RoleChange = 'grant' | 'revoke';

/**
 * Staff role changes: the change, its audit record and its security event commit together; the user's
 * live sessions take the committed roles at once.
 */
@Injectable()
export class RoleAdminService {
  public constructor(
    private readonly dataSource: DataSource,
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
    return this.change(actor, userId, 'grant', role, origin);
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
    return this.change(actor, userId, 'revoke', role, origin);
  }

  private async change(
    actor: AuthenticatedUser,
    userId: string,
    change: RoleChange,
    role: Role,
    origin: RequestOrigin,
  ): Promise<UserAccount> {
    if (!(await this.users.findById(userId))) {
      throw new DomainError('USER_NOT_FOUND', 'No such user');
    }
    const account = await this.dataSource.transaction(async (manager) => {
      const changed =
        change === 'grant'
          ? await this.users.grantRole(userId, role, manager)
          : await this.users.revokeRole(userId, role, manager);
      await this.record(manager, actor, changed, change, role, origin);
      return changed;
    });
    await this.sessions.updateRoles(account);
    return account;
  }

  private async record(
    manager: EntityManager,
    actor: AuthenticatedUser,
    account: UserAccount,
    change: RoleChange,
    role: Role,
    origin: RequestOrigin,
  ): Promise<void> {
    await this.audit.record(
      {
        actorId: actor.userId,
        actorRoles: actor.roles,
        action: `user.role.${change}`,
        targetType: 'user',
        targetId: account.id,
        ip: origin.ip,
        userAgent: origin.userAgent,
        requestId: origin.requestId,
        details: { role, rolesAfter: account.roles },
      },
      manager,
    );
    await this.events.record(
      {
        kind: change === 'grant' ? 'role.granted' : 'role.revoked',
        userId: account.id,
        origin,
        details: { role, by: actor.userId },
      },
      manager,
    );
  }
}
