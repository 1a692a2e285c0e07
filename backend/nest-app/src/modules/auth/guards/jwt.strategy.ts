import { ACCESS_TOKEN_IAT_LEEWAY_SECONDS, DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from '../sessions/access-token.service';
import { SessionStore } from '../sessions/session.store';

interface JwtPayload {
  sub?: unknown;
  sid?: unknown;
  iat?: unknown;
  exp?: unknown;
}

const IAT_LEEWAY_SECONDS = ACCESS_TOKEN_IAT_LEEWAY_SECONDS;

/**
 * Verifies the bearer access token (signature, algorithm, issuer, audience, expiry), then that its
 * session is still alive in Redis: an access token of an ended session stops working at once.
 * Roles come from the live session, so role changes apply without waiting for the token to expire.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly ttlSeconds: number;

  public constructor(
    config: AppConfig,
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_SECRET,
      algorithms: [JWT_ALGORITHM],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
    this.ttlSeconds = config.ACCESS_TOKEN_TTL_SECONDS;
  }

  public async validate(payload: JwtPayload): Promise<AuthenticatedUser> {
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || !this.hasIssuedLifetime(payload)) {
      throw new DomainError('UNAUTHENTICATED', 'The access token is not valid');
    }
    const live = await this.sessions.touch(payload.sid, payload.sub, this.clock.now().getTime());
    if (!live) {
      throw new DomainError('UNAUTHENTICATED', 'The session has ended; sign in again');
    }
    return {
      userId: payload.sub,
      roles: live.roles,
      sessionId: payload.sid,
      secondFactor: live.mfaAt !== null,
      secondFactorKind: live.mfaFactor,
    };
  }

  /**
   * The library checks `exp` only when present and never looks at `iat`: a token must carry both, be issued no later
   * than now (wall time, as the library's own expiry check) and live no longer than the app issues tokens for.
   */
  private hasIssuedLifetime(payload: JwtPayload): boolean {
    const { iat, exp } = payload;
    if (typeof iat !== 'number' || typeof exp !== 'number') return false;
    return iat <= Date.now() / 1000 + IAT_LEEWAY_SECONDS && exp - iat <= this.ttlSeconds;
  }
}
