import type { VerifiedToken } from './access-token-verifier';
import { VerifiedTokenCache } from './verified-token-cache';

const verified = (subject: string, expiresAt: number): VerifiedToken => ({
  valid: true,
  subject,
  sessionId: `session-of-${subject}`,
  expiresAt,
});

describe('VerifiedTokenCache', () => {
  it('answers a kept token until the second of its expiry, then forgets it', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('token-a', verified('a', 1_000));
    expect(cache.get('token-a', 999)?.subject).toBe('a');
    expect(cache.get('token-a', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('lets the oldest entry go at capacity', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('token-a', verified('a', 1_000));
    cache.set('token-b', verified('b', 1_000));
    cache.set('token-c', verified('c', 1_000));
    expect(cache.size).toBe(2);
    expect(cache.get('token-a', 0)).toBeUndefined();
    expect(cache.get('token-b', 0)?.subject).toBe('b');
    expect(cache.get('token-c', 0)?.subject).toBe('c');
  });
});
