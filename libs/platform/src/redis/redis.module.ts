import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { ReadinessProbe } from '../health/readiness-probe';
import { RedisConnectionLog, redisEndpoint, watchRedisConnection } from './redis-connection-log';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

export interface RedisOptions {
  url: string;
  keyPrefix: string;
  /** Commands issued in the same tick share one write (ioredis `enableAutoPipelining`): a busy edge's many small ones. */
  autoPipelining?: boolean;
}

/**
 * Reconnects forever, at most 2 s apart. Also for BullMQ's connections, whose own default waits up to 20 s between
 * attempts once an outage passed ~10 s: its workers then came back that much later, and a shutdown waited for them.
 */
export function redisRetryStrategy(attempt: number): number {
  return Math.min(attempt * 200, 2000);
}

/**
 * Builds a client that reconnects forever, so a Redis restart heals without restarting the app; an outage is logged
 * once (`RedisConnectionLog`), not once per reconnect attempt.
 */
export function createRedisClient(options: RedisOptions, name: string): Redis {
  const client = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    connectionName: name,
    enableAutoPipelining: options.autoPipelining ?? false,
    maxRetriesPerRequest: 2,
    retryStrategy: redisRetryStrategy,
  });
  return watchRedisConnection(client, new RedisConnectionLog(name, redisEndpoint(options.url)));
}

const BOOT_CONNECT_WAIT_MS = 5000;

/** Connects at boot, waiting a little for the first connection so the app starts ready; never blocks for long. */
async function connectRedis(options: RedisOptions, name: string): Promise<Redis> {
  const client = createRedisClient(options, name);
  if (client.status !== 'ready') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, BOOT_CONNECT_WAIT_MS);
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return client;
}

@Injectable()
export class RedisProbe implements ReadinessProbe {
  public readonly name = 'redis';

  public constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  public async check(): Promise<void> {
    // While connecting, a ping waits in ioredis' queue (bounded by the probe timeout); once the
    // connection is lost, say so at once instead of timing out.
    if (this.redis.status === 'reconnecting' || this.redis.status === 'end') {
      throw new Error(`redis connection is ${this.redis.status}`);
    }
    await this.redis.ping();
  }
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  public constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  public async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class RedisModule {
  public static forRoot(options: RedisOptions, clientName: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: REDIS_CLIENT, useFactory: () => connectRedis(options, clientName) }, RedisLifecycle],
      exports: [REDIS_CLIENT],
    };
  }
}
