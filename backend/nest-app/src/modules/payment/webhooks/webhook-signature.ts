import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a webhook signature was refused; the label of the failure metric and security event. */
export type SignatureFailureReason =
  'missing_header' | 'malformed_header' | 'timestamp_out_of_tolerance' | 'no_matching_signature';

export class WebhookSignatureError extends Error {
  public constructor(public readonly reason: SignatureFailureReason) {
    super(`Webhook signature refused: ${reason}`);
    this.name = 'WebhookSignatureError';
  }
}

export interface ParsedSignatureHeader {
  timestamp: number;
  signatures: string[];
}

/** Parses `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`; other schemes (v0) are ignored, as Stripe does. */
export function parseSignatureHeader(header: string | undefined): ParsedSignatureHeader {
  if (header === undefined || header.length === 0) throw new WebhookSignatureError('missing_header');
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) throw new WebhookSignatureError('malformed_header');
  return { timestamp, signatures };
}

export function computeSignature(secret: string, timestamp: number, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** Refuses a timestamp more than `toleranceSeconds` before or after now (stale or from the future). */
export function assertFresh(timestamp: number, now: Date, toleranceSeconds: number): void {
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds) {
    throw new WebhookSignatureError('timestamp_out_of_tolerance');
  }
}

/**
 * Stripe's scheme (../shared/reference/payments.md): HMAC-SHA256 of `<t>.<raw body>` with the
 * endpoint secret, hex; authentic when any `v1` matches any current secret (rotation), compared in
 * constant time, and `t` within the tolerance. Runs on the raw bytes, before any JSON parsing.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  rawBody: Buffer,
  secrets: readonly string[],
  now: Date,
  toleranceSeconds: number,
): ParsedSignatureHeader {
  const parsed = parseSignatureHeader(header);
  assertFresh(parsed.timestamp, now, toleranceSeconds);
  for (const secret of secrets) {
    const expected = Buffer.from(computeSignature(secret, parsed.timestamp, rawBody), 'hex');
    for (const candidate of parsed.signatures) {
      if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) return parsed;
    }
  }
  throw new WebhookSignatureError('no_matching_signature');
}

/** Builds a header the way a PSP signs (one `v1` per secret): for the sandbox PSP's own tests. */
export function signatureHeader(secrets: readonly string[], timestamp: number, rawBody: Buffer): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${computeSignature(secret, timestamp, rawBody)}`)].join(',');
}
