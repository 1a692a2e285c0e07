import { DomainError } from '@casino/contracts';
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerOptions } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { createHash } from 'node:crypto';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { ipAddressOrNull } from '../../../common/http/request-origin';
import type { AppConfig } from '../../../config/app-config';

interface TrackedRequest {
  ip: string;
  user?: AuthenticatedUser;
  body?: unknown;
}

/**
 * Per-client-IP limit of the auth endpoints. Behind a trusted proxy `request.ip` may be any string the
 * client forwarded; all requests without a real address share one bucket, so rotating such strings
 * does not buy a fresh limit each time.
 */
function ipTracker(request: TrackedRequest): string {
  return `ip:${ipAddressOrNull(request.ip) ?? 'unknown'}`;
}

/**
 * Per-account limit: the signed-in user, else the account the body names (email, Telegram id) or
 * the token it carries (MFA challenge, refresh token, hashed), else the client IP.
 */
export function accountTracker(request: TrackedRequest): string {
  if (request.user) return `user:${request.user.userId}`;
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
  if (typeof body['email'] === 'string') return `email:${body['email'].trim().toLowerCase()}`;
  if (typeof body['mfaToken'] === 'string') return `mfa:${digest(body['mfaToken'])}`;
  if (typeof body['refreshToken'] === 'string') return `refresh:${digest(body['refreshToken'])}`;
  if (typeof body['id'] === 'number' || typeof body['id'] === 'string') return `telegram:${String(body['id'])}`;
  return ipTracker(request);
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function authThrottlers(config: AppConfig): ThrottlerOptions[] {
  const ttl = config.AUTH_RATE_LIMIT_WINDOW_SECONDS * 1000;
  return [
    {
      name: 'ip',
      ttl,
      limit: config.AUTH_RATE_LIMIT_PER_IP,
      getTracker: (request) => ipTracker(request as TrackedRequest),
    },
    {
      name: 'account',
      ttl,
      limit: config.AUTH_RATE_LIMIT_PER_ACCOUNT,
      getTracker: (request) => accountTracker(request as TrackedRequest),
    },
  ];
}

/** The throttler guard of every auth controller (limits shared by all of them): 429 RATE_LIMITED with `Retry-After` and `retryAfterSeconds`. */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  /** One counter per client (IP or account) across all auth endpoints, not one per route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `auth:${throttlerName}:${digest(tracker)}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new DomainError('RATE_LIMITED', 'Too many requests; try again later', {
      retryAfterSeconds: Math.max(1, detail.timeToBlockExpire),
    });
  }
}
