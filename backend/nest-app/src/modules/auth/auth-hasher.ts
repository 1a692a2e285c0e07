import { Injectable } from '@nestjs/common';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config';

/** What a keyed hash is for; each purpose gets its own key, so one hash cannot stand in for another. */
export type HashPurpose = 'email-code' | 'sms-code' | 'refresh-token' | 'mfa-token' | 'recovery-code' | 'address';

/**
 * Keyed hashes (HMAC-SHA256, keys derived with HKDF from JWT_SECRET, or TOTP_ENCRYPTION_KEY for
 * recovery codes) for everything auth stores
 * instead of a secret: one-time codes, refresh and MFA tokens, recovery codes, and the email
 * addresses in Redis key names. A leaked Redis or database does not give back a usable code.
 */
@Injectable()
export class AuthHasher {
  private readonly keys = new Map<HashPurpose, Buffer>();

  public constructor(private readonly config: AppConfig) {}

  public hash(purpose: HashPurpose, value: string): string {
    return createHmac('sha256', this.keyFor(purpose)).update(value, 'utf8').digest('hex');
  }

  /** Constant-time comparison of two hex digests. */
  public static sameDigest(a: string, b: string): boolean {
    const left = Buffer.from(a, 'hex');
    const right = Buffer.from(b, 'hex');
    return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
  }

  private keyFor(purpose: HashPurpose): Buffer {
    let key = this.keys.get(purpose);
    if (!key) {
      // Recovery codes live as long as the TOTP factor, so their key follows the TOTP key, not the
      // JWT secret (rotating JWT_SECRET only ends sessions and pending codes).
      const root = purpose === 'recovery-code' ? this.config.TOTP_ENCRYPTION_KEY : this.config.JWT_SECRET;
      key = Buffer.from(hkdfSync('sha256', root, 'casino-auth', `hash:${purpose}`, 32));
      this.keys.set(purpose, key);
    }
    return key;
  }
}
