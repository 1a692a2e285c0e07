import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateKeyFromPem, publicKeyFromPem, signHub88, verifyHub88 } from './hub88-signature';

/** The five vectors of coingaming/Hub88-Examples (reference hub88-wallet-api.md §3 and §7.1). */
/** Copied from ../shared/reference/hub88-signature-vectors (see the fixture's README). */
const VECTORS_DIR = join(__dirname, '../../../../test/fixtures/hub88-signature-vectors');

function vectors(): [string, string][] {
  const lines = readFileSync(join(VECTORS_DIR, 'signatures.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const separator = line.lastIndexOf(';');
    return [line.slice(0, separator), line.slice(separator + 1).trim()];
  });
}

describe('Hub88 signatures', () => {
  const publicKey = publicKeyFromPem(readFileSync(join(VECTORS_DIR, 'public.pem'), 'utf8'));
  const privateKey = privateKeyFromPem(readFileSync(join(VECTORS_DIR, 'private.pem'), 'utf8'));

  it('has the five published vectors', () => {
    expect(vectors()).toHaveLength(5);
  });

  it.each(vectors())('verifies the published signature of %s', (data, signature) => {
    expect(verifyHub88(Buffer.from(data, 'utf8'), signature, publicKey)).toBe(true);
  });

  it.each(vectors())('re-signs %s byte for byte', (data, signature) => {
    expect(signHub88(data, privateKey)).toBe(signature);
  });

  it('refuses a body changed after signing', () => {
    const [data, signature] = vectors()[2] ?? ['', ''];
    expect(verifyHub88(Buffer.from(data.replace('test"}', 'test" }'), 'utf8'), signature, publicKey)).toBe(false);
  });

  it('refuses a missing, empty or malformed signature', () => {
    const body = Buffer.from('{"test":"test"}');
    expect(verifyHub88(body, undefined, publicKey)).toBe(false);
    expect(verifyHub88(body, '', publicKey)).toBe(false);
    expect(verifyHub88(body, 'not base64!', publicKey)).toBe(false);
    expect(verifyHub88(body, 'AAAA', publicKey)).toBe(false);
  });

  it('refuses a signature made with another key', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const body = Buffer.from('{"test":"test"}');
    expect(verifyHub88(body, signHub88(body, other), publicKey)).toBe(false);
  });
});
