import { EVENT_STREAMS, streamNameFor } from '@casino/contracts';
import { createClient } from '@clickhouse/client';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import type { PlatformSettings } from '../config/platform-settings';

/** A name no other suite uses, valid as a database, stream prefix and key prefix: `t_wallet_1a2b3c4d`. */
export function uniqueTestId(suite: string): string {
  return `t_${suite
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/** Settings giving a suite its own Redis keys, queues, NATS subjects and streams, and ClickHouse database. */
export function isolatedSettings(id: string): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_KEY_PREFIX: `${id}:`,
    QUEUE_PREFIX: `${id}-bull`,
    NATS_SUBJECT_PREFIX: id,
    CLICKHOUSE_DATABASE: id,
  };
}

/** Removes what `isolatedSettings(id)` let a suite create. */
export async function disposeIsolatedResources(id: string, settings: PlatformSettings): Promise<void> {
  await deleteRedisKeys(settings.REDIS_URL, [`${id}:*`, `${id}-bull:*`]);
  await deleteStreams(settings.NATS_URL, id);
  const clickhouse = createClient({
    url: settings.CLICKHOUSE_URL,
    username: settings.CLICKHOUSE_USER,
    password: settings.CLICKHOUSE_PASSWORD,
  });
  await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${id}` }).catch(() => undefined);
  await clickhouse.close();
}

async function deleteRedisKeys(url: string, patterns: string[]): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } catch {
    // Redis may be the service a test stopped on purpose; nothing of ours is left in it then.
  } finally {
    redis.disconnect();
  }
}

async function deleteStreams(servers: string, prefix: string): Promise<void> {
  const connection = await connect({ servers: servers.split(','), timeout: 2000 });
  try {
    const manager = await connection.jetstreamManager();
    for (const stream of Object.values(EVENT_STREAMS)) {
      await manager.streams.delete(streamNameFor(prefix, stream)).catch(() => false);
    }
  } finally {
    await connection.close();
  }
}

export { DisposableRedis } from './disposable-redis';
export { DisposableNats } from './disposable-nats';
export { freePort } from './free-port';
export {
  DisposablePrometheus,
  type ActiveTarget,
  type PrometheusSeries,
  type ScrapeJob,
} from './disposable-prometheus';
export { DisposableNatsCluster, type DisposableNatsNode } from './disposable-nats-cluster';

/** Polls until `probe` resolves true, or fails after `timeoutMs`. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 10_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Condition not met within ${timeoutMs} ms`);
}

export { productionRefusalCases, unrefusedDevelopmentSecrets } from './production-defaults';
export * from './in-memory-tracing';
