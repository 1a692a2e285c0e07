import { renderValue } from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import type { PlayerDimensions } from './fact-rows';
import { chunksOf, KEYS_PER_LOOKUP } from './fact-table-loader';

/**
 * Country and brand of each player, from ClickHouse's players dimension (one query): what a fact row is stamped
 * with when it is loaded, by the event path and the backfill alike.
 */
export async function playerDimensions(
  clickhouse: ClickHouseClient,
  userIds: readonly string[],
): Promise<Map<string, PlayerDimensions>> {
  const players = new Map<string, PlayerDimensions>();
  for (const ids of chunksOf([...new Set(userIds)], KEYS_PER_LOOKUP)) {
    const result = await clickhouse.query({
      query:
        'SELECT user_id, argMax(country, version) AS country, argMax(brand, version) AS brand FROM players ' +
        `WHERE user_id IN (${ids.map((id) => renderValue(id)).join(', ')}) GROUP BY user_id`,
      format: 'JSONEachRow',
    });
    for (const row of await result.json<{ user_id: string } & PlayerDimensions>()) {
      players.set(row.user_id, { country: row.country, brand: row.brand });
    }
  }
  return players;
}
