import { DomainError } from '@casino/contracts';
import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Clock } from '../../../common/time/clock';

export type VerificationPurpose = 'email-change' | 'phone-change';

export const CODE_TTL_SECONDS = 600;
export const MAX_ATTEMPTS = 5;
export const RESEND_INTERVAL_SECONDS = 60;

/**
 * One-time 6-digit codes confirming a new email address or phone number. Only a salted hash
 * lives in Redis, with the target it confirms; a code expires after 10 minutes (by the injected
 * clock; Redis' own TTL only collects garbage), dies after 5 wrong tries and works once.
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

  /** The target a pending code would confirm, if any (to show "pending" in the profile). */
  public async pendingTarget(purpose: VerificationPurpose, userId: string): Promise<string | null> {
    const [target, expiresAt] = await this.redis.hmget(codeKey(purpose, userId), 'target', 'expiresAt');
    return target && Number(expiresAt) > this.clock.now().getTime() ? target : null;
  }

  /** Consumes the code and answers its target, or throws VERIFICATION_CODE_INVALID / _EXPIRED. */
  public async redeem(purpose: VerificationPurpose, userId: string, code: string): Promise<string> {
    const key = codeKey(purpose, userId);
    const stored = await this.redis.hgetall(key);
    if (!stored['hash'] || Number(stored['expiresAt']) <= this.clock.now().getTime()) {
      throw expired();
    }
    const attempts = await this.redis.hincrby(key, 'attempts', 1);
    if (attempts > MAX_ATTEMPTS) {
      await this.redis.del(key);
      throw expired();
    }
    const expected = Buffer.from(stored['hash'], 'hex');
    const actual = Buffer.from(hashCode(stored['salt'] ?? '', code), 'hex');
    if (!timingSafeEqual(expected, actual)) {
      throw new DomainError('VERIFICATION_CODE_INVALID', 'The code is wrong', {
        attemptsLeft: MAX_ATTEMPTS - attempts,
      });
    }
    // Single use: of two concurrent correct submissions only the one that deletes the key wins.
    if ((await this.redis.del(key)) !== 1) throw expired();
    return stored['target'] ?? '';
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
