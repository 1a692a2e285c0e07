import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { SmsDispatcher } from '../../../infra/sms/sms-dispatcher';
import type { RequestOrigin } from '../../user/user-directory';
import { AuthHasher } from '../auth-hasher';
import { newSixDigitCode, OneTimeCodeStore, type CodeNamespace } from '../codes/one-time-code.store';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { TwoFactorRepository } from './two-factor.repository';

const RESEND_COOLDOWN_SECONDS = 60;
const PHONE_CODE_TTL_SECONDS = 600;
const SMS_2FA_CODE_TTL_SECONDS = 300;

/** SMS as a second factor: phone verification by code, then codes by SMS at sign-in and step-up. */
@Injectable()
export class SmsFactorService {
  public constructor(
    private readonly repository: TwoFactorRepository,
    private readonly codes: OneTimeCodeStore,
    private readonly hasher: AuthHasher,
    private readonly sms: SmsDispatcher,
    private readonly events: SecurityEventRepository,
  ) {}

  /** Sends a verification code to a phone the user wants as second factor. */
  public async startPhoneVerification(userId: string, phone: string): Promise<void> {
    const code = await this.issue('sms-phone', userId, PHONE_CODE_TTL_SECONDS, phone);
    await this.dispatch('sms-phone', userId, {
      to: phone,
      text: `Your verification code is ${code}. It expires in 10 minutes.`,
      template: 'auth.phone-verification',
    });
  }

  /** Confirms the phone with its code; SMS codes then count as a second factor. */
  public async confirmPhone(userId: string, code: string, origin: RequestOrigin): Promise<string> {
    const check = await this.codes.check('sms-phone', userId, this.codeHash(userId, code));
    if (check.outcome !== 'ok' || !check.payload) {
      throw new DomainError(
        'MFA_CODE_INVALID',
        'The code is not valid',
        check.outcome === 'wrong' ? { attemptsLeft: check.attemptsLeft } : undefined,
      );
    }
    await this.repository.saveVerifiedPhone(userId, check.payload);
    await this.events.record({ kind: 'phone.verified', userId, origin });
    await this.events.record({ kind: 'mfa.enabled', userId, origin, details: { factor: 'sms' } });
    return check.payload;
  }

  public async disable(userId: string, origin: RequestOrigin): Promise<void> {
    if (!(await this.repository.deleteSms(userId))) {
      throw new DomainError('MFA_NOT_ENABLED', 'SMS codes are not enabled');
    }
    await this.codes.discard('sms-2fa', userId);
    await this.events.record({ kind: 'mfa.disabled', userId, origin, details: { factor: 'sms' } });
  }

  /** Sends a second-factor code to the user's verified phone (sign-in challenge or step-up). */
  public async sendCode(userId: string): Promise<void> {
    const factor = await this.repository.findSms(userId);
    if (!factor?.verifiedAt) {
      throw new DomainError('MFA_PHONE_NOT_VERIFIED', 'No verified phone for SMS codes');
    }
    const code = await this.issue('sms-2fa', userId, SMS_2FA_CODE_TTL_SECONDS);
    await this.dispatch('sms-2fa', userId, {
      to: factor.phone,
      text: `Your security code is ${code}. It expires in 5 minutes.`,
      template: 'auth.sms-2fa',
    });
  }

  /** True when the code is the user's current SMS code (it is then used up). */
  public async verifyCode(userId: string, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    return (await this.codes.check('sms-2fa', userId, this.codeHash(userId, code))).outcome === 'ok';
  }

  private async issue(namespace: CodeNamespace, userId: string, ttlSeconds: number, payload?: string): Promise<string> {
    const wait = await this.codes.claimCooldown(namespace, userId, RESEND_COOLDOWN_SECONDS);
    if (wait > 0) {
      throw new DomainError('RATE_LIMITED', 'A code was sent recently; try again later', { retryAfterSeconds: wait });
    }
    const code = newSixDigitCode();
    await this.codes.issue(namespace, userId, this.codeHash(userId, code), ttlSeconds, payload);
    return code;
  }

  private async dispatch(
    namespace: CodeNamespace,
    userId: string,
    message: { to: string; text: string; template: string },
  ): Promise<void> {
    try {
      await this.sms.send(message);
    } catch (error) {
      await this.codes.releaseCooldown(namespace, userId);
      throw error;
    }
  }

  private codeHash(userId: string, code: string): string {
    return this.hasher.hash('sms-code', `${userId}:${code}`);
  }
}
