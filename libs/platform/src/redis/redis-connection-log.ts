import { Logger } from '@nestjs/common';
import { errorKind, identifierProperty } from '../errors/error-kind';

/** Stable codes of the lines a Redis outage writes: one when it starts (and a reminder while it lasts), one at its end. */
export const REDIS_CONNECTION_FAILED = 'REDIS_CONNECTION_FAILED';
export const REDIS_CONNECTION_RESTORED = 'REDIS_CONNECTION_RESTORED';

/** ioredis reports every failed reconnect (every 2 s here); while an outage lasts, one line at most this often. */
export const REDIS_FAILURE_LOG_INTERVAL_MS = 60_000;

/** Redis' own error replies start with an upper-case word (`WRONGPASS`, `NOAUTH`, `LOADING`, `READONLY`). */
const REPLY_PREFIX = /^([A-Z]{3,20})\b/;

/** Where a client connects, for a log line: host, port and database, never the credentials of the URL. */
export function redisEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    const database = parsed.pathname.replace(/^\//, '');
    return `${parsed.hostname}:${parsed.port || '6379'}${database ? `/${database}` : ''}`;
  } catch {
    return 'unparsable REDIS URL';
  }
}

/** What kind of Redis failure this is (`ECONNREFUSED`, `WRONGPASS`, `MaxRetriesPerRequestError`), never its text. */
export function redisFailureKind(error: unknown): string {
  const code = identifierProperty(error, 'code');
  if (code) return code;
  const reply = error instanceof Error ? REPLY_PREFIX.exec(error.message)?.[1] : undefined;
  return reply ?? errorKind(error);
}

/**
 * The log of one Redis connection (or of the BullMQ queues and workers of a process): the first failure of an outage
 * is logged, the following ones only counted, with a reminder at most every `REDIS_FAILURE_LOG_INTERVAL_MS`; the
 * connection's return ends the outage with one line.
 */
export class RedisConnectionLog {
  private downSince: number | null = null;
  private lastLineAt = 0;
  private suppressed = 0;

  public constructor(
    private readonly client: string,
    private readonly endpoint: string,
    private readonly logger: Pick<Logger, 'error' | 'log'> = new Logger('Redis'),
    private readonly now: () => number = Date.now,
  ) {}

  public failed(error: unknown): void {
    const now = this.now();
    if (this.downSince !== null && now - this.lastLineAt < REDIS_FAILURE_LOG_INTERVAL_MS) {
      this.suppressed += 1;
      return;
    }
    this.downSince ??= now;
    this.lastLineAt = now;
    this.logger.error(
      {
        errorCode: REDIS_CONNECTION_FAILED,
        client: this.client,
        endpoint: this.endpoint,
        cause: redisFailureKind(error),
        downSeconds: Math.round((now - this.downSince) / 1000),
        failuresSinceLastLine: this.suppressed,
      },
      'Redis unreachable; reconnecting',
    );
    this.suppressed = 0;
  }

  public restored(): void {
    if (this.downSince === null) return;
    const now = this.now();
    this.logger.log(
      {
        errorCode: REDIS_CONNECTION_RESTORED,
        client: this.client,
        endpoint: this.endpoint,
        downSeconds: Math.round((now - this.downSince) / 1000),
        failuresSinceLastLine: this.suppressed,
      },
      'Redis reachable again',
    );
    this.downSince = null;
    this.suppressed = 0;
  }
}

/** What emits a Redis connection's failures and returns: an ioredis client, a BullMQ backend. */
export interface RedisConnectionEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Listens to a client's `error` and `ready` events through `log`. Without an `error` listener ioredis prints every
 * failed reconnect as `[ioredis] Unhandled error event` with its stack (and a plain EventEmitter would throw).
 */
export function watchRedisConnection<T extends RedisConnectionEvents>(client: T, log: RedisConnectionLog): T {
  client.on('error', (error) => log.failed(error));
  client.on('ready', () => log.restored());
  return client;
}
