import { DomainError } from '@casino/contracts';
import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Clock } from '../../../common/time/clock';

export type VerificationPurpose = 'email-change' | 'phone-change';

export const CODE_TTL_SECONDS = 600;
export const MAX_ATTEMPTS = 5;
export const RESEND_INTERVAL_SECONDS = 60;

/** A code found right, not yet spent: `consume` spends exactly this code (not one issued since). */
export interface CheckedCode {
  purpose: VerificationPurpose;
  userId: string;
  target: string;
  hash: string;
}

/**
 * Counts a try against the code. A wrong code uses up one of the attempts; a right one uses none, since
 * the change it confirms may still fail. Atomic, so parallel guesses cannot get past the attempt limit.
 * The comparison of salted hashes tells nothing of the code by its timing.
 * KEYS[1]: the code; ARGV: now (epoch ms), the attempt limit, the salt and hash of the code tried.
 */
const CHECK = `
local stored = redis.call('HMGET', KEYS[1], 'hash', 'salt', 'expiresAt', 'target')
if not stored[1] or stored[2] ~= ARGV[3] or tonumber(stored[3]) <= tonumber(ARGV[1]) then return {'expired'} end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts > tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return {'expired'}
end
if stored[1] ~= ARGV[4] then return {'wrong', tonumber(ARGV[2]) - attempts} end
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
return {'ok', stored[4]}`;

/** Deletes the code only if it is still the one checked (compare-and-delete): 1 when this call spent it. */
const CONSUME = `
if redis.call('HGET', KEYS[1], 'hash') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/**
 * One-time 6-digit codes confirming a new email address or phone number. Only a salted hash
 * lives in Redis, with the target it confirms; a code expires after 10 minutes (by the injected
 * clock; Redis' own TTL only collects garbage), dies after 5 wrong tries and works once.
 *
 * Confirming is two steps: `check` (the code is right; nothing spent) and `consume`, which the caller
 * runs last inside the transaction of the change it confirms. A change that fails leaves the code
 * usable; of two confirmations racing with one code only the one that deletes it commits, the other
 * rolls back. Only a commit that fails after the code was consumed (its outcome is then unknown)
 * leaves the code spent.
 */
@Injectable()
export class VerificationCodes {
  public constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  /** A fresh code for `target`, replacing any earlier one; VERIFICATION_CODE_RATE_LIMITED within a minute of the last. */
  public async issue(purpose: VerificationPurpose, userId: string, target: string): Promise<string> {
    const throttled = await this.redis.set(throttleKey(purpose, userId), '1', 'EX', RESEND_INTERVAL_SECONDS, 'NX');
    if (throttled === null) {
      const retryAfterSeconds = Math.max(1, await this.redis.ttl(throttleKey(purpose, userId)));
      throw new DomainError('VERIFICATION_CODE_RATE_LIMITED', 'A code was sent recently; try again later', {
        retryAfterSeconds,
      });
    }
    const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
    const salt = randomBytes(16).toString('hex');
    const key = codeKey(purpose, userId);
    await this.redis
      .multi()
      .del(key)
      .hset(key, {
        hash: hashCode(salt, code),
        salt,
        target,
        attempts: '0',
        expiresAt: String(this.clock.now().getTime() + CODE_TTL_SECONDS * 1000),
      })
      .expire(key, CODE_TTL_SECONDS)
      .exec();
    return code;
  }

  /** Takes back a code that could not be sent: it and the resend throttle go, so the player may ask again at once. */
  public async withdraw(purpose: VerificationPurpose, userId: string): Promise<void> {
    await this.redis.del(codeKey(purpose, userId), throttleKey(purpose, userId));
  }

  /** The target a pending code would confirm, if any (to show "pending" in the profile). */
  public async pendingTarget(purpose: VerificationPurpose, userId: string): Promise<string | null> {
    const [target, expiresAt] = await this.redis.hmget(codeKey(purpose, userId), 'target', 'expiresAt');
    return target && Number(expiresAt) > this.clock.now().getTime() ? target : null;
  }

  /** Checks the code without spending it, or throws VERIFICATION_CODE_INVALID / _EXPIRED. */
  public async check(purpose: VerificationPurpose, userId: string, code: string): Promise<CheckedCode> {
    const key = codeKey(purpose, userId);
    const salt = await this.redis.hget(key, 'salt');
    if (salt === null) throw expired();
    const hash = hashCode(salt, code);
    const [outcome, detail] = (await this.redis.eval(
      CHECK,
      1,
      key,
      this.clock.now().getTime(),
      MAX_ATTEMPTS,
      salt,
      hash,
    )) as [string, string | number | undefined];
    if (outcome === 'wrong') {
      throw new DomainError('VERIFICATION_CODE_INVALID', 'The code is wrong', { attemptsLeft: Number(detail) });
    }
    if (outcome !== 'ok') throw expired();
    return { purpose, userId, target: String(detail), hash };
  }

  /** Spends a checked code; VERIFICATION_CODE_EXPIRED when it is gone or replaced (another confirmation spent it). */
  public async consume(checked: CheckedCode): Promise<void> {
    const spent = await this.redis.eval(CONSUME, 1, codeKey(checked.purpose, checked.userId), checked.hash);
    if (spent !== 1) throw expired();
  }
}

function codeKey(purpose: VerificationPurpose, userId: string): string {
  return `user:verify:${purpose}:${userId}`;
}

function throttleKey(purpose: VerificationPurpose, userId: string): string {
  return `user:verify:${purpose}:${userId}:throttle`;
}

function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

function expired(): DomainError {
  return new DomainError('VERIFICATION_CODE_EXPIRED', 'No valid code is pending; request a new one');
}
