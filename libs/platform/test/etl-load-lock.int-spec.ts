import { Redis } from 'ioredis';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { PlatformSettings } from '../src/config/platform-settings';
import { LoadLockBusyError, withEtlLoadLock, withEtlLoadLocksForMigration } from '../src/redis/etl-load-lock';
import { uniqueTestId } from '../src/testing/test-resources';

/**
 * ADR 0015: while a ClickHouse migration drops and creates a fact table's views again, no loader may insert into
 * the table (a fact inserted meanwhile would be missing from a rollup, or counted twice). The migration holds the
 * loaders' own lock, and gets it even while loaders take it back to back.
 */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('ETL load lock (integration, real Redis)', () => {
  const settings = loadConfig(PlatformSettings, readEnvironment());
  const id = uniqueTestId('etllock');
  const loaderLock = { ttlMs: 5000, waitMs: 5000 };
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(settings.REDIS_URL, { keyPrefix: `${id}:` });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${id}:*`);
    if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(`${id}:`.length)));
    await redis.quit();
  });

  it('lets a migration in between back-to-back loads and runs no load while it holds the table', async () => {
    let migrating = false;
    let loadsDuringMigration = 0;
    let loads = 0;
    let loading = true;
    const loader = async (): Promise<void> => {
      while (loading) {
        await withEtlLoadLock(redis, 'wallet_transactions', loaderLock, async () => {
          if (migrating) loadsDuringMigration += 1;
          loads += 1;
          await new Promise((resolve) => setTimeout(resolve, 2));
        });
      }
    };
    const loaders = [loader(), loader()];
    await until(() => loads >= 3);
    await withEtlLoadLocksForMigration(redis, ['wallet_transactions'], { ttlMs: 5000, waitMs: 3000 }, async () => {
      migrating = true;
      await new Promise((resolve) => setTimeout(resolve, 200));
      migrating = false;
    });
    const loadsAtMigrationEnd = loads;
    await until(() => loads > loadsAtMigrationEnd);
    loading = false;
    await Promise.all(loaders);
    expect(loadsDuringMigration).toBe(0);
  });

  it('makes a loader wait for the migration, and hand its batch back when the wait is over', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const migration = withEtlLoadLocksForMigration(redis, ['game_rounds'], loaderLock, async () => {
      entered();
      await held;
    });
    await inside;
    await expect(
      withEtlLoadLock(redis, 'game_rounds', { ttlMs: 5000, waitMs: 100 }, () => Promise.resolve('loaded')),
    ).rejects.toBeInstanceOf(LoadLockBusyError);
    const waiting = withEtlLoadLock(redis, 'game_rounds', loaderLock, () => Promise.resolve('loaded'));
    release();
    await migration;
    await expect(waiting).resolves.toBe('loaded');
  });
});
