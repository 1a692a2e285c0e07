import { loadAppConfig } from '../../../config/load-app-config';
import { ProviderCredentialsCipher } from './provider-credentials.cipher';

describe('ProviderCredentialsCipher', () => {
  const cipher = new ProviderCredentialsCipher(loadAppConfig());

  it('round-trips and never stores the plaintext', () => {
    const sealed = cipher.seal('{"hmacSecret":"s3cret-value"}', 'bgaming');
    expect(sealed).not.toContain('s3cret');
    expect(cipher.open(sealed, 'bgaming')).toBe('{"hmacSecret":"s3cret-value"}');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.seal('x', 'hub88')).not.toBe(cipher.seal('x', 'hub88'));
  });

  it('refuses credentials moved to another provider or tampered with', () => {
    const sealed = cipher.seal('secret', 'hub88');
    expect(() => cipher.open(sealed, 'other')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.open(parts.join('.'), 'hub88')).toThrow();
  });

  it('refuses a key other than the one that sealed', () => {
    const other = new ProviderCredentialsCipher(
      loadAppConfig({ PROVIDER_CREDENTIALS_KEY: 'another-key-of-at-least-32-characters!!' }),
    );
    expect(() => other.open(cipher.seal('secret', 'hub88'), 'hub88')).toThrow();
  });
});
