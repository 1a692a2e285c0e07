import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ROLES_KEY } from './auth.decorators';
import type { Role } from './roles';

/**
 * The one place that says which staff roles may do what (docs/roles.md shows this table; a test keeps the two
 * equal). Every staff route names exactly one permission with `@RequirePermission`; `players.pii` names no route but
 * what the player routes show unmasked (the admin module's player PII serializer).
 */
export const STAFF_PERMISSIONS = {
  'staff.me': ['admin', 'finance', 'risk', 'compliance', 'support'],
  'players.read': ['admin', 'finance', 'risk', 'compliance', 'support'],
  'players.pii': ['admin', 'risk', 'compliance'],
  'players.block': ['admin', 'risk', 'compliance'],
  'players.notes': ['admin', 'finance', 'risk', 'compliance', 'support'],
  'players.tags': ['admin', 'risk', 'compliance', 'support'],
  'roles.manage': ['admin'],
  'sessions.revoke': ['admin', 'risk'],
  'staff.unlock': ['admin'],
  'kyc.read': ['admin', 'compliance'],
  'kyc.decide': ['admin', 'compliance'],
  'wallets.read': ['admin', 'finance', 'risk', 'compliance', 'support'],
  'adjustments.read': ['admin', 'finance', 'risk', 'compliance'],
  'adjustments.request': ['admin', 'finance'],
  'adjustments.decide': ['admin', 'finance'],
  'games.read': ['admin', 'support'],
  'games.manage': ['admin'],
  'providers.read': ['admin'],
  'providers.manage': ['admin'],
  'payments.read': ['admin', 'finance', 'risk', 'compliance', 'support'],
  'payments.decide': ['finance'],
  'payments.resolve': ['admin', 'finance'],
  'payments.refund': ['admin', 'finance'],
  'audit.read': ['admin', 'risk', 'compliance'],
  'security.read': ['admin', 'risk', 'compliance'],
  'dashboard.read': ['admin', 'finance', 'risk', 'compliance', 'support'],
  'reports.read': ['admin', 'finance', 'compliance'],
  'reports.export': ['admin', 'finance', 'compliance'],
  'bonuses.manage': ['admin'],
  'queues.view': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type StaffPermission = keyof typeof STAFF_PERMISSIONS;

export const PERMISSION_KEY = 'auth:permission';

/** The route needs this staff permission (its roles from `STAFF_PERMISSIONS`) and a second-factor session. */
export const RequirePermission = (permission: StaffPermission): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PERMISSION_KEY, permission), SetMetadata(ROLES_KEY, [...STAFF_PERMISSIONS[permission]]));

export function permissionsOf(roles: readonly Role[]): StaffPermission[] {
  return (Object.keys(STAFF_PERMISSIONS) as StaffPermission[]).filter((permission) => hasPermission(roles, permission));
}

export function hasPermission(roles: readonly Role[], permission: StaffPermission): boolean {
  return (STAFF_PERMISSIONS[permission] as readonly Role[]).some((role) => roles.includes(role));
}
