import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** The header Hub88 signs its wallet calls with, and we sign our calls to Hub88 with (reference §0, §3). */
export const HUB88_SIGNATURE_HEADER = 'x-hub88-signature';

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem);
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** RSA-SHA256 (PKCS#1 v1.5) over the exact bytes, Base64 — deterministic, so vectors reproduce. */
export function signHub88(body: Buffer | string, privateKey: KeyObject): string {
  return sign('sha256', typeof body === 'string' ? Buffer.from(body, 'utf8') : body, privateKey).toString('base64');
}

/**
 * Verifies a signature over the raw body bytes. A missing, non-Base64 or wrong-key signature,
 * or a body changed after signing, is simply false; it never throws.
 */
export function verifyHub88(body: Buffer, signature: string | undefined, publicKey: KeyObject): boolean {
  if (typeof signature !== 'string' || signature.length === 0 || !BASE64_PATTERN.test(signature)) return false;
  try {
    return verify('sha256', body, publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
