import type { ClickHouseKeySet } from './clickhouse-key-set';
import { PlayerDimensionsCache } from './player-dimensions';

/** A players dimension in memory, answering the look-up's query shape and recording the ids each call asked for. */
function fakeKeySet(players: Map<string, { country: string; brand: string }>): {
  keySet: ClickHouseKeySet;
  asked: string[][];
} {
  const asked: string[][] = [];
  const keySet = {
    rows: (_query: string, keys: readonly string[]) => {
      asked.push([...keys]);
      return Promise.resolve(
        keys.flatMap((userId) => {
          const player = players.get(userId);
          return player ? [{ user_id: userId, ...player }] : [];
        }),
      );
    },
  } as unknown as ClickHouseKeySet;
  return { keySet, asked };
}

describe('PlayerDimensionsCache', () => {
  const players = new Map([
    ['p1', { country: 'DE', brand: 'nova' }],
    ['p2', { country: 'GB', brand: 'aurora' }],
  ]);

  it('asks ClickHouse only for players it has not found lately, once per id', async () => {
    const { keySet, asked } = fakeKeySet(players);
    const cache = new PlayerDimensionsCache(keySet, 60_000);
    const first = await cache.of(['p1', 'p1', 'p2'], 0);
    expect(first.get('p1')).toEqual({ country: 'DE', brand: 'nova' });
    expect(asked).toEqual([['p1', 'p2']]);
    const second = await cache.of(['p2', 'p1'], 59_999);
    expect(second.get('p2')).toEqual({ country: 'GB', brand: 'aurora' });
    expect(asked).toHaveLength(1);
  });

  it('asks again for a player not registered yet, and for every player once the time to live passed', async () => {
    const registered = new Map(players);
    const { keySet, asked } = fakeKeySet(registered);
    const cache = new PlayerDimensionsCache(keySet, 60_000);
    expect((await cache.of(['p1', 'late'], 0)).has('late')).toBe(false);
    registered.set('late', { country: 'SE', brand: 'nova' });
    expect((await cache.of(['p1', 'late'], 1000)).get('late')).toEqual({ country: 'SE', brand: 'nova' });
    expect(asked).toEqual([['p1', 'late'], ['late']]);
    await cache.of(['p1'], 60_000);
    expect(asked.at(-1)).toEqual(['p1']);
  });

  it('forgets the players remembered longest ago beyond its size', async () => {
    const { keySet, asked } = fakeKeySet(players);
    const cache = new PlayerDimensionsCache(keySet, 60_000, 1);
    await cache.of(['p1'], 0);
    await cache.of(['p2'], 0);
    await cache.of(['p1'], 0);
    expect(asked).toEqual([['p1'], ['p2'], ['p1']]);
  });
});
