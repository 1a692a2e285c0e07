import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_IAT_LEEWAY_SECONDS,
  ACCESS_TOKEN_ISSUER,
} from '@casino/contracts';
import { verify, type JwtPayload } from 'jsonwebtoken';
import { VerifiedTokenCache } from './verified-token-cache';

export type TokenRefusal = 'malformed' | 'signature' | 'expired' | 'claims';

/** A valid token's user id, session id (`sid`) and expiry (epoch seconds). */
export interface VerifiedToken {
  valid: true;
  subject: string;
  sessionId: string;
  expiresAt: number;
}

export type TokenCheck = VerifiedToken | { valid: false; reason: TokenRefusal };

/** Distinct valid tokens kept verified: a token is ~300 bytes, so at most a few MB (one entry per signed-in client). */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * The edge's check of an access token, the same as nest-app's guard without the session lookup: HS256 only (so
 * `alg: none` and other algorithms fail), nest-app's secret, issuer and audience, not expired, with `sub`, `sid`,
 * `iat` and `exp`, issued no later than now and for no longer than ACCESS_TOKEN_TTL_SECONDS. Whether the session is
 * still alive stays nest-app's question. A valid token's verdict is kept until it expires (VerifiedTokenCache).
 */
export class AccessTokenVerifier {
  private readonly verified = new VerifiedTokenCache(VERIFIED_TOKENS_KEPT);

  public constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  public check(token: string): TokenCheck {
    const cached = this.verified.get(token, Math.floor(Date.now() / 1000));
    if (cached !== undefined) return cached;
    const result = this.verify(token);
    if (result.valid) this.verified.set(token, result);
    return result;
  }

  private verify(token: string): TokenCheck {
    let payload: string | JwtPayload;
    try {
      payload = verify(token, this.secret, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
      });
    } catch (error) {
      return { valid: false, reason: refusalOf(error) };
    }
    if (typeof payload === 'string' || !this.hasClaims(payload)) return { valid: false, reason: 'claims' };
    return {
      valid: true,
      subject: payload.sub as string,
      sessionId: payload['sid'] as string,
      expiresAt: payload.exp as number,
    };
  }

  private hasClaims(payload: JwtPayload): boolean {
    const { sub, iat, exp } = payload;
    const sid: unknown = payload['sid'];
    if (typeof sub !== 'string' || typeof sid !== 'string') return false;
    if (typeof iat !== 'number' || typeof exp !== 'number') return false;
    return iat <= Date.now() / 1000 + ACCESS_TOKEN_IAT_LEEWAY_SECONDS && exp - iat <= this.ttlSeconds;
  }
}

function refusalOf(error: unknown): TokenRefusal {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TokenExpiredError') return 'expired';
  if (name === 'NotBeforeError') return 'claims';
  const message = error instanceof Error ? error.message : '';
  return /malformed|invalid token|jwt must be/i.test(message) ? 'malformed' : 'signature';
}
