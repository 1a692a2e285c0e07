import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { BucketPolicy } from '../../config/gateway-settings';
import { TOKEN_BUCKET_SCRIPT } from './token-bucket.script';

/** One bucket a request draws from: its Redis key (under REDIS_KEY_PREFIX), its policy and its name in headers. */
export interface Bucket {
  name: string;
  key: string;
  policy: BucketPolicy;
}

export interface BucketState {
  bucket: Bucket;
  remaining: number;
  resetSeconds: number;
}

export type LimitDecision =
  | { outcome: 'allowed'; tightest: BucketState; buckets: Bucket[] }
  | { outcome: 'limited'; tightest: BucketState; buckets: Bucket[]; retryAfterSeconds: number }
  | { outcome: 'unavailable' };

type TakeCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<number[]>;

/** Redis must answer a decision within this, or the request goes on as if it were down. */
const DECISION_TIMEOUT_MS = 250;
const WARNING_INTERVAL_MS = 10_000;

/** Token buckets in Redis, shared by every gateway instance, one atomic script per decision. */
export class EdgeRateLimiter {
  private readonly logger = new Logger('EdgeRateLimiter');
  private readonly take: TakeCommand;
  private lastWarningAt = 0;

  public constructor(private readonly redis: Redis) {
    redis.defineCommand('gatewayTakeTokens', { lua: TOKEN_BUCKET_SCRIPT });
    this.take = (redis as unknown as { gatewayTakeTokens: TakeCommand }).gatewayTakeTokens.bind(redis);
  }

  public async decide(buckets: Bucket[]): Promise<LimitDecision> {
    if (this.redis.status !== 'ready') return this.unavailable(new Error(`redis connection is ${this.redis.status}`));
    const keysAndArgs: (string | number)[] = [];
    for (const bucket of buckets) keysAndArgs.push(bucket.key);
    for (const bucket of buckets) keysAndArgs.push(bucket.policy.burst, bucket.policy.windowSeconds * 1000);
    let reply: number[];
    try {
      reply = await withTimeout(this.take(buckets.length, ...keysAndArgs));
    } catch (error) {
      return this.unavailable(error);
    }
    const states = buckets.map((bucket, index) => ({
      bucket,
      remaining: Math.max(0, reply[2 + 2 * index] ?? 0),
      resetSeconds: Math.ceil((reply[3 + 2 * index] ?? 0) / 1000),
    }));
    const tightest = states.reduce((least, state) =>
      state.remaining / state.bucket.policy.burst < least.remaining / least.bucket.policy.burst ? state : least,
    );
    if (reply[0] === 1) return { outcome: 'allowed', tightest, buckets };
    return {
      outcome: 'limited',
      tightest,
      buckets,
      retryAfterSeconds: Math.max(1, Math.ceil((reply[1] ?? 1000) / 1000)),
    };
  }

  private unavailable(error: unknown): LimitDecision {
    const now = Date.now();
    if (now - this.lastWarningAt >= WARNING_INTERVAL_MS) {
      this.lastWarningAt = now;
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn({ reason }, 'Rate limiter unavailable (Redis): sign-in refused, other routes unlimited');
    }
    return { outcome: 'unavailable' };
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('rate limit decision timed out')), DECISION_TIMEOUT_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
