import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomInt } from 'node:crypto';

/** Email sign-in codes, SMS second-factor codes, phone-verification codes. */
export type CodeNamespace = 'email' | 'sms-2fa' | 'sms-phone';

export type CodeCheck =
  | { outcome: 'ok'; payload: string | null }
  | { outcome: 'wrong'; attemptsLeft: number }
  | { outcome: 'locked' | 'missing' };

export const MAX_CODE_ATTEMPTS = 5;

const codeKey = (namespace: CodeNamespace, subject: string): string => `auth:code:${namespace}:${subject}`;
const cooldownKey = (namespace: CodeNamespace, subject: string): string => `auth:code-cooldown:${namespace}:${subject}`;

/**
 * Checks a candidate atomically: the right code is consumed; a wrong one counts, and the code dies at
 * the MAX-th wrong try, so any later try (even with the right code) finds nothing.
 */
const CHECK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 0, false} end
if redis.call('HGET', KEYS[1], 'codeHash') == ARGV[1] then
  local payload = redis.call('HGET', KEYS[1], 'payload')
  redis.call('DEL', KEYS[1])
  return {'ok', 0, payload}
end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return {'locked', 0, false}
end
return {'wrong', tonumber(ARGV[2]) - attempts, false}`;

/** A 6-digit code from the CSPRNG, uniformly distributed. */
export function newSixDigitCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** One-time codes in Redis, stored only as keyed hashes, with expiry, attempt limit and resend cooldown. */
@Injectable()
export class OneTimeCodeStore {
  public constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Claims the resend cooldown: 0 when claimed, otherwise the seconds left before a new code may be sent. */
  public async claimCooldown(namespace: CodeNamespace, subject: string, seconds: number): Promise<number> {
    const key = cooldownKey(namespace, subject);
    if ((await this.redis.set(key, '1', 'EX', seconds, 'NX')) === 'OK') {
      return 0;
    }
    return Math.max(1, await this.redis.ttl(key));
  }

  public async releaseCooldown(namespace: CodeNamespace, subject: string): Promise<void> {
    await this.redis.del(cooldownKey(namespace, subject));
  }

  /** Replaces any earlier code of this subject (and its attempt count). */
  public async issue(
    namespace: CodeNamespace,
    subject: string,
    codeHash: string,
    ttlSeconds: number,
    payload?: string,
  ): Promise<void> {
    const key = codeKey(namespace, subject);
    await this.redis
      .multi()
      .del(key)
      .hset(key, { codeHash, attempts: '0', ...(payload === undefined ? {} : { payload }) })
      .expire(key, ttlSeconds)
      .exec();
  }

  public async check(namespace: CodeNamespace, subject: string, candidateHash: string): Promise<CodeCheck> {
    const [outcome, attemptsLeft, payload] = (await this.redis.eval(
      CHECK,
      1,
      codeKey(namespace, subject),
      candidateHash,
      MAX_CODE_ATTEMPTS,
    )) as [string, number, string | null];
    if (outcome === 'ok') return { outcome, payload };
    if (outcome === 'wrong') return { outcome, attemptsLeft };
    return { outcome: outcome === 'locked' ? 'locked' : 'missing' };
  }

  public async discard(namespace: CodeNamespace, subject: string): Promise<void> {
    await this.redis.del(codeKey(namespace, subject));
  }
}
