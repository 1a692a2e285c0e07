import { DomainError } from '@casino/contracts';
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
}

/**
 * Verifies the bearer access token (signature, algorithm, issuer, audience, expiry), then that its
 * session is still alive in Redis: an access token of an ended session stops working at once.
 * Roles come from the live session, so role changes apply without waiting for the token to expire.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
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
  }

  public async validate(payload: JwtPayload): Promise<AuthenticatedUser> {
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
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
}
