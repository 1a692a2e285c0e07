import { DomainError } from '@casino/contracts';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-KYC-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` — several
 * `v1` values may be present while a secret rotates. The timestamp must be within `toleranceSeconds` of now.
 */
export function verifyKycSignature(
  header: string | undefined,
  rawBody: Buffer,
  secret: string,
  now: Date,
  toleranceSeconds: number,
): void {
  const parts = (header ?? '').split(',').map((part) => part.trim().split('='));
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key, value]) => key === 'v1' && value !== undefined).map(([, value]) => value);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) {
    throw invalid('The signature header is missing or malformed');
  }
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) {
    throw invalid('The signature timestamp is outside the tolerance');
  }
  const expected = signKycPayload(secret, timestamp, rawBody);
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'utf8');
    const wanted = Buffer.from(expected, 'utf8');
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  });
  if (!matches) throw invalid('The signature does not match');
}

export function signKycPayload(secret: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

function invalid(reason: string): DomainError {
  return new DomainError('KYC_WEBHOOK_SIGNATURE_INVALID', 'The webhook signature is invalid', { reason });
}
