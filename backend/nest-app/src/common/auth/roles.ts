export const ROLES = ['player', 'admin', 'support', 'finance', 'compliance', 'risk'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: readonly Role[] = ['admin', 'support', 'finance', 'compliance', 'risk'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
