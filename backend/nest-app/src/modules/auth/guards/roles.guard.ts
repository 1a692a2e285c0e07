import { DomainError } from '@casino/contracts';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES_KEY } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { Role } from '../../../common/auth/roles';

/** Global guard after the JWT guard: a route with `@Roles(...)` needs one of those roles. */
@Injectable()
export class RolesGuard implements CanActivate {
  public constructor(private readonly reflector: Reflector) {}

  public canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required || required.length === 0 || context.getType() !== 'http') {
      return true;
    }
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (!user) {
      throw new DomainError('UNAUTHENTICATED', 'A valid access token is required');
    }
    if (!required.some((role) => user.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', 'This action needs another role', { requiredRoles: required });
    }
    return true;
  }
}
