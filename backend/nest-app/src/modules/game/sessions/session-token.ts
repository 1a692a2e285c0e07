import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: what the provider carries and sends back in wallet calls. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only the hash is stored; the token has full entropy, so a plain SHA-256 is enough. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
