/**
 * Scheme, then userinfo up to the authority's last `@` (a password may hold an unencoded `@`); the
 * authority ends at the first `/`, `?`, `#` or whitespace.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/** `postgres://app:s3cret@db:5432/casino` → `postgres://***@db:5432/casino`, for every URL in `text`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}
