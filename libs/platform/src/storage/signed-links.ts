import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedLink {
  expires: number;
  signature: string;
}

export type LinkCheck = 'valid' | 'expired' | 'invalid';

const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const EXPIRES = /^\d{1,12}$/;

/**
 * Signed, expiring download links: HMAC-SHA256 (base64url) over `<id>.<expires>` (Unix seconds). The link
 * is the credential, so it is short-lived; the signature is checked before the expiry, and in constant time.
 */
export class SignedLinks {
  public constructor(private readonly secret: string) {}

  public sign(exportId: string, expires: number): SignedLink {
    return { expires, signature: this.signatureOf(exportId, expires) };
  }

  public check(exportId: string, expires: unknown, signature: unknown, nowSeconds: number): LinkCheck {
    if (typeof expires !== 'string' || !EXPIRES.test(expires)) return 'invalid';
    if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return 'invalid';
    const expected = Buffer.from(this.signatureOf(exportId, Number(expires)));
    if (!timingSafeEqual(expected, Buffer.from(signature))) return 'invalid';
    return Number(expires) < nowSeconds ? 'expired' : 'valid';
  }

  private signatureOf(exportId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${exportId}.${expires}`).digest('base64url');
  }
}
