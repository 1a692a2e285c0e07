import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../../config/app-config';
import type { Role } from '../../../common/auth/roles';

export const JWT_ISSUER = ACCESS_TOKEN_ISSUER;
export const JWT_AUDIENCE = ACCESS_TOKEN_AUDIENCE;
export const JWT_ALGORITHM = ACCESS_TOKEN_ALGORITHM;

/** The claims of an access token: `sub` user id, `roles`, `sid` session id. */
export interface AccessTokenClaims {
  sub: string;
  roles: Role[];
  sid: string;
}

/** Signs short-lived access tokens (HS256, `ACCESS_TOKEN_TTL_SECONDS`). */
@Injectable()
export class AccessTokenService {
  public constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  public get ttlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  public sign(claims: AccessTokenClaims): Promise<string> {
    return this.jwt.signAsync(
      { roles: claims.roles, sid: claims.sid },
      {
        subject: claims.sub,
        expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        algorithm: JWT_ALGORITHM,
        secret: this.config.JWT_SECRET,
      },
    );
  }
}
