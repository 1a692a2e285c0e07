import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

/** Counts failures of a subject in a fixed window (e.g. wrong step-up codes of a user). */
@Injectable()
export class FailureCounter {
  public constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Seconds the subject is still locked out, or 0. */
  public async lockedFor(name: string, subject: string, limit: number): Promise<number> {
    const key = `auth:failures:${name}:${subject}`;
    const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.ttl(key)]);
    return Number(count ?? 0) >= limit ? Math.max(1, ttl) : 0;
  }

  public async add(name: string, subject: string, windowSeconds: number): Promise<number> {
    const key = `auth:failures:${name}:${subject}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec()) as [
      [Error | null, number],
    ];
    return count;
  }

  public async reset(name: string, subject: string): Promise<void> {
    await this.redis.del(`auth:failures:${name}:${subject}`);
  }
}
