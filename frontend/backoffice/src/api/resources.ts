/**
 * Where each react-admin resource lives in the API (docs/roles.md). The data provider reads only this table, so a
 * route that moves changes one line here.
 */
export interface ResourceRoutes {
  /** GET, answering `{ items, nextCursor? }` (keyset pages). */
  list: string;
  /** GET of one record; `:id` is replaced. Absent: the list is the only view. */
  one?: string;
  /** PATCH of one record. */
  update?: string;
  /**
   * The list answers every record at once and takes no `limit`/`cursor` (the API refuses query parameters a route
   * does not declare).
   */
  unpaged?: true;
  /** Filters always sent (a queue is a filtered list). */
  fixedFilter?: Record<string, string>;
  /** The record's id when the API names it otherwise. */
  idOf?: (record: Record<string, unknown>) => string;
  /** Turns a GET-one answer into a react-admin record (it needs an `id`). */
  toRecord?: (body: Record<string, unknown>) => Record<string, unknown>;
}

export const RESOURCES: Record<string, ResourceRoutes> = {
  players: {
    list: '/admin/players',
    one: '/admin/players/:id',
    toRecord: (body) => ({ ...body, id: (body.profile as { id: string }).id }),
  },
  kyc: {
    list: '/admin/players',
    one: '/admin/users/:id/kyc',
    fixedFilter: { kycStatus: 'pending' },
  },
  adjustments: { list: '/admin/adjustments' },
  payments: { list: '/admin/payments' },
  withdrawals: { list: '/admin/payments/withdrawals/queue' },
  games: { list: '/admin/games', one: '/admin/games/:id', update: '/admin/games/:id' },
  providers: {
    list: '/admin/game-providers',
    unpaged: true,
    one: '/admin/game-providers/:id',
    update: '/admin/game-providers/:id',
    idOf: (record) => String(record.code),
  },
  'audit-log': { list: '/admin/audit-log' },
  'security-events': { list: '/admin/security-feed' },
};

export function routesOf(resource: string): ResourceRoutes {
  const routes = RESOURCES[resource];
  if (!routes) throw new Error(`No API route for the resource ${resource}`);
  return routes;
}

export function withId(path: string, id: string | number): string {
  return path.replace(':id', encodeURIComponent(String(id)));
}
