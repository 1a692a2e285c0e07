import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { AuthHasher } from '../auth-hasher';
import type { SignInMethod } from '../sessions/session.service';

export const MFA_CHALLENGE_TTL_SECONDS = 300;
export const MAX_MFA_ATTEMPTS = 5;

export interface MfaChallenge {
  userId: string;
  method: SignInMethod;
}

const challengeKey = (tokenHash: string): string => `auth:mfa-challenge:${tokenHash}`;

/**
 * Takes one attempt before the code is checked, so parallel guesses cannot check more than MAX codes: -1 when the
 * challenge is gone or its attempts are spent (it dies then), otherwise the attempts left if this one is wrong.
 */
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts > tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) return -1 end
return tonumber(ARGV[1]) - attempts`;

/** Pending second-factor challenges of a sign-in (`mfaToken`), stored by hash, 5 minutes, 5 wrong codes. */
@Injectable()
export class MfaChallengeStore {
  public constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly hasher: AuthHasher,
  ) {}

  public async create(challenge: MfaChallenge): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const key = challengeKey(this.hasher.hash('mfa-token', token));
    await this.redis
      .multi()
      .hset(key, { userId: challenge.userId, method: challenge.method, attempts: '0' })
      .expire(key, MFA_CHALLENGE_TTL_SECONDS)
      .exec();
    return token;
  }

  public async find(token: string): Promise<MfaChallenge | null> {
    const fields = await this.redis.hgetall(challengeKey(this.hasher.hash('mfa-token', token)));
    if (!fields['userId']) return null;
    return { userId: fields['userId'], method: (fields['method'] ?? 'email') as SignInMethod };
  }

  /** Claims an attempt (see CLAIM): the attempts left if its code is wrong, or -1 when none may be made. */
  public async claimAttempt(token: string): Promise<number> {
    return (await this.redis.eval(
      CLAIM,
      1,
      challengeKey(this.hasher.hash('mfa-token', token)),
      MAX_MFA_ATTEMPTS,
    )) as number;
  }

  /** Uses the challenge up; false when another request already did. */
  public async consume(token: string): Promise<boolean> {
    return (await this.redis.del(challengeKey(this.hasher.hash('mfa-token', token)))) === 1;
  }
}
