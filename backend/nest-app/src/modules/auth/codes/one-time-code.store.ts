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

/**
 * As CHECK, but a right candidate is not consumed: the change it confirms may still fail. Wrong ones count
 * (atomically, so parallel guesses cannot get past the limit); a right one uses no attempt.
 */
const CHECK_UNSPENT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 0, false} end
if redis.call('HGET', KEYS[1], 'codeHash') == ARGV[1] then
  return {'ok', 0, redis.call('HGET', KEYS[1], 'payload')}
end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return {'locked', 0, false}
end
return {'wrong', tonumber(ARGV[2]) - attempts, false}`;

/** Deletes the code only if it is still the one checked (compare-and-delete): 1 when this call spent it. */
const CONSUME = `
if redis.call('HGET', KEYS[1], 'codeHash') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

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

  /** Checks a candidate and, when right, spends it at once. */
  public check(namespace: CodeNamespace, subject: string, candidateHash: string): Promise<CodeCheck> {
    return this.evalCheck(CHECK, namespace, subject, candidateHash);
  }

  /**
   * Checks a candidate without spending a right one: the caller then runs `consume` last inside the
   * transaction of the change it confirms, so a change that fails leaves the code usable and of two
   * confirmations racing with one code only the one that deletes it commits.
   */
  public checkUnspent(namespace: CodeNamespace, subject: string, candidateHash: string): Promise<CodeCheck> {
    return this.evalCheck(CHECK_UNSPENT, namespace, subject, candidateHash);
  }

  /** Spends a code found right by `checkUnspent`: true when this call deleted it, false when it was gone or replaced. */
  public async consume(namespace: CodeNamespace, subject: string, codeHash: string): Promise<boolean> {
    return (await this.redis.eval(CONSUME, 1, codeKey(namespace, subject), codeHash)) === 1;
  }

  private async evalCheck(
    script: string,
    namespace: CodeNamespace,
    subject: string,
    candidateHash: string,
  ): Promise<CodeCheck> {
    const [outcome, attemptsLeft, payload] = (await this.redis.eval(
      script,
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
