import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * Per staff account: a hash counting attempts claimed (in flight or failed) and failed in the window, and a lock key.
 * An attempt claims a slot before its code is checked, so parallel attempts cannot get past the limit: with
 * `max` slots taken, the next attempt is refused before anything is checked.
 */
const stateKey = (userId: string): string => `auth:staff-sign-in:${userId}`;
const lockKey = (userId: string): string => `auth:staff-sign-in-lock:${userId}`;

/** KEYS: state, lock. ARGV: max, windowMs. */
const CLAIM = `
local lockTtl = redis.call('PTTL', KEYS[2])
if lockTtl > 0 then return {'locked', lockTtl} end
local claimed = redis.call('HINCRBY', KEYS[1], 'claimed', 1)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if claimed > tonumber(ARGV[1]) then
  redis.call('HINCRBY', KEYS[1], 'claimed', -1)
  return {'busy', 1000}
end
return {'claimed', claimed}`;

/** KEYS: state, lock. ARGV: max, windowMs, lockoutMs. The max-th failure in the window sets the lock. */
const FAIL = `
if redis.call('EXISTS', KEYS[2]) == 1 then return {'already', 0} end
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'claimed', 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
local failed = redis.call('HINCRBY', KEYS[1], 'failed', 1)
if failed >= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], failed, 'PX', ARGV[3])
  return {'locked', failed}
end
return {'counted', failed}`;

/** KEYS: state. Gives back a slot whose attempt neither failed nor finished a sign-in (an email code before TOTP). */
const RELEASE_CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local claimed = tonumber(redis.call('HGET', KEYS[1], 'claimed') or '0')
local failed = tonumber(redis.call('HGET', KEYS[1], 'failed') or '0')
if claimed > failed then redis.call('HINCRBY', KEYS[1], 'claimed', -1) end
return 1`;

/** KEYS: state, lock. Ends a lock: its milliseconds left and the failures that set it, or {0, 0} when none. */
const UNLOCK = `
local ttl = redis.call('PTTL', KEYS[2])
if ttl <= 0 then return {0, 0} end
local failures = tonumber(redis.call('GET', KEYS[2]) or '0')
redis.call('DEL', KEYS[1], KEYS[2])
return {ttl, failures}`;

export type ClaimResult = { outcome: 'claimed' } | { outcome: 'locked' | 'busy'; retryAfterMs: number };
export type FailureResult = { outcome: 'counted' | 'already' } | { outcome: 'locked'; failures: number };
export interface LockState {
  locked: boolean;
  lockedForMs: number;
  failures: number;
}

export interface LockLimits {
  max: number;
  windowMs: number;
  lockoutMs: number;
}

/** The Redis side of the staff sign-in lockout: each step one Lua script, so concurrent attempts count exactly. */
@Injectable()
export class StaffSignInLockStore {
  public constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  public async claim(userId: string, limits: LockLimits): Promise<ClaimResult> {
    const [outcome, value] = (await this.redis.eval(
      CLAIM,
      2,
      stateKey(userId),
      lockKey(userId),
      limits.max,
      limits.windowMs,
    )) as [string, number];
    if (outcome === 'claimed') return { outcome };
    return { outcome: outcome === 'locked' ? 'locked' : 'busy', retryAfterMs: value };
  }

  public async fail(userId: string, limits: LockLimits): Promise<FailureResult> {
    const [outcome, failures] = (await this.redis.eval(
      FAIL,
      2,
      stateKey(userId),
      lockKey(userId),
      limits.max,
      limits.windowMs,
      limits.lockoutMs,
    )) as [string, number];
    if (outcome === 'locked') return { outcome, failures };
    return { outcome: outcome === 'already' ? 'already' : 'counted' };
  }

  public async releaseClaim(userId: string): Promise<void> {
    await this.redis.eval(RELEASE_CLAIM, 1, stateKey(userId));
  }

  /** A finished sign-in: the failures of the window are forgiven. */
  public async reset(userId: string): Promise<void> {
    await this.redis.del(stateKey(userId));
  }

  public async peek(userId: string): Promise<LockState> {
    const [ttl, failures] = await Promise.all([this.redis.pttl(lockKey(userId)), this.redis.get(lockKey(userId))]);
    return { locked: ttl > 0, lockedForMs: Math.max(0, ttl), failures: Number(failures ?? 0) };
  }

  public async unlock(userId: string): Promise<LockState> {
    const [ttl, failures] = (await this.redis.eval(UNLOCK, 2, stateKey(userId), lockKey(userId))) as [number, number];
    return { locked: ttl > 0, lockedForMs: ttl, failures };
  }
}
