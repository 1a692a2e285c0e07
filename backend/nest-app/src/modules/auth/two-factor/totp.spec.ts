import { generateSync as hotp } from '@otplib/hotp';
import { generateSync as totp } from '@otplib/totp';
import { base32, base32Decode, base32Encode, nodeCrypto } from './otp-plugins';
import { matchTotpStep, newTotpSecret, totpUri } from './totp';

// Vectors: /work/shared/reference/auth.md, from RFC 6238 Appendix B (with the per-algorithm seeds of the
// known erratum) and RFC 4226 Appendix D.
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const SEEDS = {
  sha1: ascii('12345678901234567890'),
  sha256: ascii('12345678901234567890123456789012'),
  sha512: ascii('1234567890'.repeat(7).slice(0, 64)),
} as const;

const RFC6238: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

const RFC4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

describe('TOTP (RFC 6238) and HOTP (RFC 4226) through otplib with our node:crypto plugin', () => {
  it.each(RFC6238)('RFC 6238 Appendix B at t=%i: SHA1 %s, SHA256 %s, SHA512 %s', (time, sha1, sha256, sha512) => {
    const at = (algorithm: keyof typeof SEEDS): string =>
      totp({
        secret: SEEDS[algorithm],
        epoch: time,
        digits: 8,
        period: 30,
        t0: 0,
        algorithm,
        crypto: nodeCrypto,
        base32,
      });
    expect([at('sha1'), at('sha256'), at('sha512')]).toEqual([sha1, sha256, sha512]);
  });

  it('RFC 4226 Appendix D: HMAC-SHA1, counters 0..9', () => {
    const codes = RFC4226.map((_, counter) =>
      hotp({ secret: SEEDS.sha1, counter, digits: 6, crypto: nodeCrypto, base32 }),
    );
    expect(codes).toEqual(RFC4226);
  });
});

describe('matchTotpStep (authenticator apps: SHA1, 6 digits, 30 s)', () => {
  const secret = base32Encode(SEEDS.sha1);
  const codeAt = (epoch: number): string => totp({ secret, epoch, digits: 6, crypto: nodeCrypto, base32 });
  const now = 1_700_000_015; // step 56666667
  const step = Math.floor(now / 30);

  it('accepts the current step and one step of drift either way, returning the matched step', () => {
    expect(matchTotpStep(secret, codeAt(now), now, null)).toBe(step);
    expect(matchTotpStep(secret, codeAt(now - 30), now, null)).toBe(step - 1);
    expect(matchTotpStep(secret, codeAt(now + 30), now, null)).toBe(step + 1);
  });

  it('refuses two steps of drift', () => {
    expect(matchTotpStep(secret, codeAt(now - 60), now, null)).toBeNull();
    expect(matchTotpStep(secret, codeAt(now + 60), now, null)).toBeNull();
  });

  it('never accepts a step at or before the last used one', () => {
    expect(matchTotpStep(secret, codeAt(now), now, step)).toBeNull();
    expect(matchTotpStep(secret, codeAt(now - 30), now, step - 1)).toBeNull();
    expect(matchTotpStep(secret, codeAt(now + 30), now, step)).toBe(step + 1);
  });

  it('refuses malformed codes', () => {
    expect(matchTotpStep(secret, '12345', now, null)).toBeNull();
    expect(matchTotpStep(secret, 'abcdef', now, null)).toBeNull();
  });

  it('makes 160-bit Base32 secrets and a Google-Authenticator URI', () => {
    const fresh = newTotpSecret();
    expect(base32Decode(fresh)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(fresh);
    const uri = new URL(totpUri('Casino', 'player@example.com', fresh));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Casino:player@example.com');
    expect(uri.searchParams.get('secret')).toBe(fresh);
    expect(uri.searchParams.get('issuer')).toBe('Casino');
  });

  it('Base32 round-trips (RFC 4648 test vector "foobar" = MZXW6YTBOI)', () => {
    expect(base32Encode(ascii('foobar'))).toBe('MZXW6YTBOI');
    expect(Buffer.from(base32Decode('MZXW6YTBOI')).toString()).toBe('foobar');
  });
});
