/**
 * The access token contract shared by the app that signs it (nest-app) and every app that verifies it (nest-app's
 * guard, the gateway's edge check): HS256 over the claims, with this issuer and audience.
 */
export const ACCESS_TOKEN_ISSUER = 'casino-nest-app';
export const ACCESS_TOKEN_AUDIENCE = 'casino-api';
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
/** Clock skew tolerated between the instance that signed a token and the one reading it. */
export const ACCESS_TOKEN_IAT_LEEWAY_SECONDS = 30;

/**
 * nest-app's record of a signed-in session in Redis (under the shared REDIS_KEY_PREFIX): a hash with the owner's
 * `userId`, deleted when the session ends (logout, revocation). The `sid` claim of an access token names it; the
 * gateway reads it to close the live streams of an ended session.
 */
export function sessionRecordKey(sessionId: string): string {
  return `auth:session:${sessionId}`;
}
