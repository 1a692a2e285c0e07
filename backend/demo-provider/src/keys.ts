import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The two development key pairs of the demo: the provider's (signs wallet calls, like Hub88's) and
 * the operator's (signs games API calls). Created once in the shared directory; never for production.
 */
export const KEY_FILES = {
  providerPrivate: 'provider-private.pem',
  providerPublic: 'provider-public.pem',
  operatorPrivate: 'operator-private.pem',
  operatorPublic: 'operator-public.pem',
} as const;

export interface DemoKeys {
  providerPrivate: KeyObject;
  operatorPublic: KeyObject;
}

export function ensureKeyFiles(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [privateName, publicName] of [
    [KEY_FILES.providerPrivate, KEY_FILES.providerPublic],
    [KEY_FILES.operatorPrivate, KEY_FILES.operatorPublic],
  ] as const) {
    if (existsSync(join(dir, privateName)) && existsSync(join(dir, publicName))) continue;
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, privateName), pair.privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(dir, publicName), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  }
}

export function loadKeys(dir: string): DemoKeys {
  ensureKeyFiles(dir);
  return {
    providerPrivate: createPrivateKey(readFileSync(join(dir, KEY_FILES.providerPrivate), 'utf8')),
    operatorPublic: createPublicKey(readFileSync(join(dir, KEY_FILES.operatorPublic), 'utf8')),
  };
}

/** RSA-SHA256 over the exact bytes, Base64: Hub88's `X-Hub88-Signature`. */
export function signBody(raw: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(raw, 'utf8'), key).toString('base64');
}

export function verifyBody(raw: Buffer, signature: string | undefined, key: KeyObject): boolean {
  if (!signature) return false;
  try {
    return verify('sha256', raw, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
