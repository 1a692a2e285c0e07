import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfig } from '../../../config/app-config';

const VERSION = 'v1';

/**
 * AES-256-GCM for providers' credentials at rest, key derived (HKDF) from `PROVIDER_CREDENTIALS_KEY`.
 * The provider code is the associated data: credentials copied onto another provider do not open.
 */
@Injectable()
export class ProviderCredentialsCipher {
  private readonly key: Buffer;

  public constructor(config: AppConfig) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.PROVIDER_CREDENTIALS_KEY, 'casino-game', 'provider-credentials', 32),
    );
  }

  public seal(plaintext: string, providerCode: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(providerCode));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  public open(sealed: string, providerCode: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined)
      throw new Error('Unknown sealed credentials format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(providerCode));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}
