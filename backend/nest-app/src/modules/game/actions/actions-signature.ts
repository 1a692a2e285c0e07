import { createHmac, timingSafeEqual } from 'node:crypto';

/** The action-batch protocol's request header: hex HMAC-SHA256 of the raw body with the shared secret. */
export const ACTIONS_SIGNATURE_HEADER = 'x-request-sign';

export function signActions(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function verifyActions(body: Buffer, signature: string | undefined, secret: string): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signActions(body, secret), 'hex'), Buffer.from(signature.toLowerCase(), 'hex'));
}
