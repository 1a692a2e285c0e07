import { KEY_SET, type ClickHouseKeySet } from './clickhouse-key-set';
import type { PlayerDimensions } from './fact-rows';

/**
 * Country and brand of each player, from ClickHouse's players dimension (one query, the ids sent as data): what a
 * fact row is stamped with when it is loaded, by the event path and the backfill alike.
 */
export async function playerDimensions(
  keySet: ClickHouseKeySet,
  userIds: readonly string[],
): Promise<Map<string, PlayerDimensions>> {
  const players = new Map<string, PlayerDimensions>();
  if (userIds.length === 0) return players;
  const rows = await keySet.rows<{ user_id: string } & PlayerDimensions>(
    'SELECT user_id, argMax(country, version) AS country, argMax(brand, version) AS brand FROM players ' +
      `WHERE user_id IN ${KEY_SET} GROUP BY user_id`,
    [...new Set(userIds)],
  );
  for (const row of rows) players.set(row.user_id, { country: row.country, brand: row.brand });
  return players;
}
