import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

export type Attempt = { allowed: true; attemptsLeft: number } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts the attempt before the secret is checked: parallel attempts cannot check more than `limit` candidates in a
 * window. Returns {1, attempts left if this one fails} or {0, seconds the subject stays locked}.
 */
const CLAIM = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then return {0, math.max(1, redis.call('TTL', KEYS[1]))} end
return {1, tonumber(ARGV[1]) - count}`;

/** Attempts of a subject at a secret in a fixed window (e.g. step-up codes of a user); a success resets them. */
@Injectable()
export class FailureCounter {
  public constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  public async claim(name: string, subject: string, limit: number, windowSeconds: number): Promise<Attempt> {
    const [allowed, value] = (await this.redis.eval(CLAIM, 1, keyOf(name, subject), limit, windowSeconds)) as [
      number,
      number,
    ];
    return allowed === 1 ? { allowed: true, attemptsLeft: value } : { allowed: false, retryAfterSeconds: value };
  }

  public async reset(name: string, subject: string): Promise<void> {
    await this.redis.del(keyOf(name, subject));
  }
}

function keyOf(name: string, subject: string): string {
  return `auth:failures:${name}:${subject}`;
}
