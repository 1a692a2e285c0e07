import { sessionRecordKey } from '@casino/contracts';
import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { isRole, type Role } from '../../../common/auth/roles';

/** A signed-in session, which is also the family of its refresh tokens (RFC 9700 §4.14.2). */
export interface SessionRecord {
  id: string;
  userId: string;
  roles: Role[];
  method: string;
  /** Null when the sign-in request gave no valid address. */
  ip: string | null;
  userAgent: string;
  createdAt: number;
  lastSeenAt: number;
  /** When the session last passed a second factor (sign-in with 2FA or step-up), epoch ms. */
  mfaAt: number | null;
  /** Which factor passed then (`totp`, `sms`, `recovery-code`); staff routes need TOTP or a recovery code. */
  mfaFactor?: string | null;
}

export interface NewSession extends Omit<SessionRecord, 'lastSeenAt'> {
  refreshHash: string;
}

export type RotationOutcome = 'rotated' | 'reused' | 'gone';

const sessionKey = sessionRecordKey;
const userSessionsKey = (userId: string): string => `auth:user-sessions:${userId}`;
const refreshKey = (hash: string): string => `auth:refresh:${hash}`;

/** Compare-and-swap of the session's current refresh token; an old token presented again is reuse. */
const ROTATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
if redis.call('HGET', KEYS[1], 'refreshHash') ~= ARGV[1] then return 'reused' end
redis.call('HSET', KEYS[1], 'refreshHash', ARGV[2], 'lastSeenAt', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return 'rotated'`;

/** The session is alive and belongs to this user: note the visit and return its roles and last 2FA time. */
const TOUCH = `
local owner = redis.call('HGET', KEYS[1], 'userId')
if not owner or owner ~= ARGV[1] then return false end
redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[2])
return redis.call('HMGET', KEYS[1], 'roles', 'mfaAt', 'mfaFactor')`;

/** Sets a field only on a session that still exists. */
const SET_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/**
 * Sessions in Redis: `auth:session:{id}` (a hash, expiring with its refresh token), the user's set of
 * session ids, and `auth:refresh:{hash}` → session id for every refresh token the session has had
 * (kept until the family expires, so that a rotated-out token is recognised as reuse).
 */
@Injectable()
export class SessionStore {
  public constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  public async create(session: NewSession, ttlSeconds: number): Promise<void> {
    await this.redis
      .multi()
      .hset(sessionKey(session.id), {
        userId: session.userId,
        roles: session.roles.join(','),
        method: session.method,
        ip: session.ip ?? '',
        userAgent: session.userAgent,
        createdAt: String(session.createdAt),
        lastSeenAt: String(session.createdAt),
        refreshHash: session.refreshHash,
        ...(session.mfaAt === null ? {} : { mfaAt: String(session.mfaAt) }),
        ...(session.mfaFactor ? { mfaFactor: session.mfaFactor } : {}),
      })
      .expire(sessionKey(session.id), ttlSeconds)
      .set(refreshKey(session.refreshHash), session.id, 'EX', ttlSeconds)
      .sadd(userSessionsKey(session.userId), session.id)
      .expire(userSessionsKey(session.userId), ttlSeconds)
      .exec();
  }

  /** The session a refresh token (current or rotated out) belongs to. */
  public async sessionOfRefreshToken(refreshHash: string): Promise<string | null> {
    return this.redis.get(refreshKey(refreshHash));
  }

  public async rotate(
    sessionId: string,
    oldHash: string,
    newHash: string,
    ttlSeconds: number,
    now: number,
  ): Promise<RotationOutcome> {
    const outcome = await this.redis.eval(
      ROTATE,
      3,
      sessionKey(sessionId),
      refreshKey(newHash),
      refreshKey(oldHash),
      oldHash,
      newHash,
      ttlSeconds,
      sessionId,
      now,
    );
    return outcome as RotationOutcome;
  }

  /** Roles and last 2FA time of a live session of this user, noting the visit; null when it has ended. */
  public async touch(
    sessionId: string,
    userId: string,
    now: number,
  ): Promise<{ roles: Role[]; mfaAt: number | null; mfaFactor: string | null } | null> {
    const result = (await this.redis.eval(TOUCH, 1, sessionKey(sessionId), userId, now)) as
      [string | null, string | null, string | null] | null;
    if (!result) return null;
    return { roles: parseRoles(result[0]), mfaAt: result[1] ? Number(result[1]) : null, mfaFactor: result[2] ?? null };
  }

  public async get(sessionId: string): Promise<SessionRecord | null> {
    const fields = await this.redis.hgetall(sessionKey(sessionId));
    return fields['userId'] ? toRecord(sessionId, fields) : null;
  }

  public async markMfa(sessionId: string, now: number, factor?: string): Promise<boolean> {
    const marked = (await this.redis.eval(SET_IF_EXISTS, 1, sessionKey(sessionId), 'mfaAt', now)) === 1;
    if (marked && factor) await this.redis.eval(SET_IF_EXISTS, 1, sessionKey(sessionId), 'mfaFactor', factor);
    return marked;
  }

  /** Ends one session: its refresh tokens and access tokens stop working at once. */
  public async end(sessionId: string, userId: string): Promise<boolean> {
    const [[, deleted]] = (await this.redis
      .multi()
      .del(sessionKey(sessionId))
      .srem(userSessionsKey(userId), sessionId)
      .exec()) as [[Error | null, number], [Error | null, number]];
    return deleted === 1;
  }

  /** Ends these sessions of the user at once (one MULTI). */
  public async endMany(userId: string, sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.redis
      .multi()
      .del(...sessionIds.map(sessionKey))
      .srem(userSessionsKey(userId), ...sessionIds)
      .exec();
  }

  /** The user's live sessions, oldest first; ids of ended ones are dropped from the set on the way. */
  public async listForUser(userId: string): Promise<SessionRecord[]> {
    const ids = await this.redis.smembers(userSessionsKey(userId));
    const sessions: SessionRecord[] = [];
    const ended: string[] = [];
    for (const id of ids) {
      const session = await this.get(id);
      if (session && session.userId === userId) sessions.push(session);
      else ended.push(id);
    }
    if (ended.length > 0) await this.redis.srem(userSessionsKey(userId), ...ended);
    return sessions.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Keeps the roles of the user's live sessions in step with the account (role grants take effect at once). */
  public async updateRolesForUser(userId: string, roles: Role[]): Promise<void> {
    const ids = await this.redis.smembers(userSessionsKey(userId));
    for (const id of ids) {
      await this.redis.eval(SET_IF_EXISTS, 1, sessionKey(id), 'roles', roles.join(','));
    }
  }
}

function parseRoles(value: string | null | undefined): Role[] {
  return (value ?? '').split(',').filter(isRole);
}

function toRecord(id: string, fields: Record<string, string>): SessionRecord {
  return {
    id,
    userId: fields['userId'] ?? '',
    roles: parseRoles(fields['roles']),
    method: fields['method'] ?? '',
    ip: fields['ip'] || null,
    userAgent: fields['userAgent'] ?? '',
    createdAt: Number(fields['createdAt']),
    lastSeenAt: Number(fields['lastSeenAt']),
    mfaAt: fields['mfaAt'] ? Number(fields['mfaAt']) : null,
    mfaFactor: fields['mfaFactor'] ?? null,
  };
}
