import { createHmac } from 'node:crypto';
import { signKycPayload, verifyKycSignature } from './kyc-webhook-signature';

const SECRET = 'unit-test-kyc-secret';
const NOW = new Date('2026-03-02T10:00:00Z');
const T = String(NOW.getTime() / 1000);
const BODY = Buffer.from('{"eventId":"e1","reference":"r1","status":"verified","level":"basic"}');

function headerFor(body: Buffer, timestamp = T, secret = SECRET): string {
  return `t=${timestamp},v1=${signKycPayload(secret, timestamp, body)}`;
}

function codeOf(attempt: () => void): string | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('KYC webhook signature', () => {
  it('is HMAC-SHA256 over "timestamp.body", hex', () => {
    const independent = createHmac('sha256', SECRET).update(`${T}.${BODY.toString()}`).digest('hex');
    expect(signKycPayload(SECRET, T, BODY)).toBe(independent);
  });

  it('accepts a good signature, also beside an old one during rotation', () => {
    expect(codeOf(() => verifyKycSignature(headerFor(BODY), BODY, SECRET, NOW, 300))).toBeUndefined();
    const rotated = `t=${T},v1=${'0'.repeat(64)},v1=${signKycPayload(SECRET, T, BODY)}`;
    expect(codeOf(() => verifyKycSignature(rotated, BODY, SECRET, NOW, 300))).toBeUndefined();
  });

  it.each([
    ['a tampered body', headerFor(BODY), Buffer.from(BODY.toString().replace('verified', 'rejected'))],
    ['a wrong secret', headerFor(BODY, T, 'another-secret-entirely'), BODY],
    ['a timestamp 301 s old', headerFor(BODY, String(Number(T) - 301)), BODY],
    ['a timestamp 301 s ahead', headerFor(BODY, String(Number(T) + 301)), BODY],
    ['no header', '', BODY],
    ['no v1', `t=${T}`, BODY],
    ['a non-numeric timestamp', `t=abc,v1=${signKycPayload(SECRET, 'abc', BODY)}`, BODY],
  ])('refuses %s with KYC_WEBHOOK_SIGNATURE_INVALID', (_label, header, body) => {
    expect(codeOf(() => verifyKycSignature(header, body, SECRET, NOW, 300))).toBe('KYC_WEBHOOK_SIGNATURE_INVALID');
  });

  it('accepts a timestamp exactly at the 300 s tolerance', () => {
    const header = headerFor(BODY, String(Number(T) - 300));
    expect(codeOf(() => verifyKycSignature(header, BODY, SECRET, NOW, 300))).toBeUndefined();
  });
});
