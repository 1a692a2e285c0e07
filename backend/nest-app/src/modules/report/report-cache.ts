import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { RedisConnectionLog, redisEndpoint, watchRedisConnection } from '@casino/platform';
import { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config';
import type { ReportQuery } from './query/report-query';

/**
 * Report results in Redis, keyed by the normalized query. Best effort: a Redis that is down, slow or full only means
 * the query goes to ClickHouse; it never fails a report. Its own client fails fast (no offline queue, no retries).
 */
@Injectable()
export class ReportCache implements OnApplicationShutdown {
  private readonly logger = new Logger('ReportCache');
  private readonly redis: Redis;

  public constructor(config: AppConfig) {
    const url = config.REPORT_CACHE_REDIS_URL ?? config.REDIS_URL;
    this.redis = new Redis(url, {
      keyPrefix: `${config.REDIS_KEY_PREFIX}report:v2:`,
      connectionName: 'nest-app-report-cache',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.REPORT_CACHE_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
    });
    watchRedisConnection(this.redis, new RedisConnectionLog('nest-app-report-cache', redisEndpoint(url)));
  }

  /** The key of a normalized query (and whatever else its figures depend on, such as the tax rates). */
  public static keyOf(parts: { query: ReportQuery } & Record<string, unknown>): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  public async get<T>(key: string): Promise<T | null> {
    const bytes = await this.getBytes(key);
    return bytes === null ? null : (JSON.parse(bytes.toString('utf8')) as T);
  }

  public set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    return this.setBytes(key, Buffer.from(JSON.stringify(value)), ttlSeconds);
  }

  /**
   * The stored JSON as Redis holds it, UTF-8 bytes: an API answer sends them on without decoding them into a string
   * and encoding it again (two passes over 320 kB for a 6,000-row report).
   */
  public async getBytes(key: string): Promise<Buffer | null> {
    try {
      return await this.redis.getBuffer(key);
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'report cache read failed; querying ClickHouse');
      return null;
    }
  }

  public async setBytes(key: string, bytes: Buffer, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return;
    try {
      await this.redis.set(key, bytes, 'EX', ttlSeconds);
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'report cache write failed');
    }
  }

  /** Closes the connection (the app's shutdown; tests use it to take the cache away). */
  public async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
