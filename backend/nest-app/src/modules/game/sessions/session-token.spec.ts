import { hashSessionToken, newSessionToken } from './session-token';

describe('session tokens', () => {
  it('carry at least 128 random bits and never repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newSessionToken()));
    expect(tokens.size).toBe(1000);
    for (const token of [...tokens].slice(0, 10))
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('are stored as a SHA-256 that does not contain the token', () => {
    const token = newSessionToken();
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(token)).not.toContain(token);
    expect(hashSessionToken(token)).toBe(hashSessionToken(token));
  });
});
