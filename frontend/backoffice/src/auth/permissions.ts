/**
 * What each screen and action needs, as the API's permission names (docs/roles.md). The one place the back
 * office decides what a role sees; the API checks the same permissions on every route, so hiding is a courtesy
 * and the 403 is the rule.
 */
export const SCREEN_PERMISSIONS: Record<string, Record<string, string>> = {
  dashboard: { list: 'dashboard.read' },
  players: {
    list: 'players.read',
    show: 'players.read',
    block: 'players.block',
    notes: 'players.notes',
    pii: 'players.pii',
  },
  kyc: { list: 'kyc.read', show: 'kyc.read', decide: 'kyc.decide' },
  adjustments: { list: 'adjustments.read', create: 'adjustments.request', decide: 'adjustments.decide' },
  payments: { list: 'payments.read' },
  withdrawals: { list: 'payments.read', decide: 'payments.decide' },
  games: { list: 'games.read', show: 'games.read', edit: 'games.manage' },
  providers: { list: 'providers.read', show: 'providers.read', edit: 'providers.manage' },
  'audit-log': { list: 'audit.read' },
  'security-events': { list: 'security.read' },
  reports: { list: 'reports.read', export: 'reports.export' },
  queues: { list: 'queues.view' },
};

/** Deny unless the table names a permission the staff member holds. */
export function allows(permissions: readonly string[], resource: string, action: string): boolean {
  const needed = SCREEN_PERMISSIONS[resource]?.[action];
  return needed !== undefined && permissions.includes(needed);
}
