import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Telegram's data-check-string (reference auth.md): every received field except `hash`, sorted by
 * key, `key=value`, joined with line feeds. For Mini App initData, `signature` stays in: checked
 * against a real initData sample (see the spec).
 */
export function dataCheckString(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((key) => key !== 'hash')
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
}

/** Login Widget: secret key = SHA-256(bot token); valid iff hex HMAC-SHA256(secret, check string) = hash. */
export function isValidLoginWidgetHash(fields: Record<string, string>, botToken: string): boolean {
  const secret = createHash('sha256').update(botToken).digest();
  return sameHex(createHmac('sha256', secret).update(dataCheckString(fields)).digest('hex'), fields['hash']);
}

/** Mini App: secret key = HMAC-SHA256(key "WebAppData", bot token); then as the widget. */
export function isValidWebAppHash(fields: Record<string, string>, botToken: string): boolean {
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  return sameHex(createHmac('sha256', secret).update(dataCheckString(fields)).digest('hex'), fields['hash']);
}

/** Parses URL-encoded initData into its fields; a repeated field makes it invalid (null). */
export function parseInitData(initData: string): Record<string, string> | null {
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(initData)) {
    if (key in fields) return null;
    fields[key] = value;
  }
  return fields;
}

/** Is `auth_date` (Unix seconds) within `maxAgeSeconds` of now, and not from the future (60 s of skew)? */
export function isFresh(authDate: string | undefined, nowSeconds: number, maxAgeSeconds: number): boolean {
  if (!authDate || !/^\d{1,12}$/.test(authDate)) return false;
  const age = nowSeconds - Number(authDate);
  return age <= maxAgeSeconds && age >= -60;
}

function sameHex(expectedHex: string, givenHex: string | undefined): boolean {
  if (!givenHex || !/^[0-9a-f]{64}$/i.test(givenHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHex.toLowerCase(), 'hex'));
}
