import { DomainError } from '@casino/contracts';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ROLES_KEY } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { STAFF_ROLES, type Role } from '../../../common/auth/roles';

/** The factors a staff session must have passed: TOTP, or one of its recovery codes (not an SMS code). */
const STAFF_SECOND_FACTORS: ReadonlySet<string> = new Set(['totp', 'recovery-code']);

/** Every route under this prefix is a staff route, whatever its decorators say. */
const STAFF_PATH_PREFIX = '/api/v1/admin';

/**
 * Global guard after the JWT guard: a route with `@Roles(...)` (or `@RequirePermission`) needs one of those roles.
 * A staff route (under /api/v1/admin, or needing a staff role) also needs a session that passed a second factor:
 * a staff member without one gets STAFF_MFA_REQUIRED on every staff route, before any role check (ADR 0018).
 */
@Injectable()
export class RolesGuard implements CanActivate {
  public constructor(private readonly reflector: Reflector) {}

  public canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const required =
      this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]) ?? [];
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const staffRoute =
      required.some((role) => STAFF_ROLES.includes(role)) || isStaffPath(request.routeOptions?.url ?? request.url);
    if (required.length === 0 && !staffRoute) return true;
    const user = request.user;
    if (!user) {
      throw new DomainError('UNAUTHENTICATED', 'A valid access token is required');
    }
    if (staffRoute && user.roles.some((role) => STAFF_ROLES.includes(role)) && !passedStaffFactor(user)) {
      throw new DomainError('STAFF_MFA_REQUIRED', 'Staff routes need a session that passed a second factor (TOTP)');
    }
    if (staffRoute && required.length === 0) {
      throw new DomainError('FORBIDDEN', 'This staff route names no permission');
    }
    if (!required.some((role) => user.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', 'This action needs another role', { requiredRoles: required });
    }
    return true;
  }
}

function passedStaffFactor(user: AuthenticatedUser): boolean {
  return user.secondFactor === true && STAFF_SECOND_FACTORS.has(user.secondFactorKind ?? '');
}

function isStaffPath(path: string): boolean {
  return path === STAFF_PATH_PREFIX || path.startsWith(`${STAFF_PATH_PREFIX}/`);
}
