import { DomainError } from '@casino/contracts';
import { maskPhone } from '@casino/platform';
import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { SmsDispatcher } from '../../../infra/sms/sms-dispatcher';
import type { RequestOrigin } from '../../user/user-directory';
import { AuthHasher } from '../auth-hasher';
import { newSixDigitCode, OneTimeCodeStore, type CodeNamespace } from '../codes/one-time-code.store';
import { FactorChangeAudit } from './factor-change-audit';
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
    private readonly factorChanges: FactorChangeAudit,
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

  /**
   * Confirms the phone with its code (audited); SMS codes then count as a second factor. The code is spent
   * last in the change's transaction: a confirmation that fails keeps it, of two racing ones one commits.
   */
  public async confirmPhone(user: AuthenticatedUser, code: string, origin: RequestOrigin): Promise<string> {
    const userId = user.userId;
    const codeHash = this.codeHash(userId, code);
    const check = await this.codes.checkUnspent('sms-phone', userId, codeHash);
    if (check.outcome !== 'ok' || !check.payload) {
      throw new DomainError(
        'MFA_CODE_INVALID',
        'The code is not valid',
        check.outcome === 'wrong' ? { attemptsLeft: check.attemptsLeft } : undefined,
      );
    }
    const phone = check.payload;
    await this.factorChanges.commit(
      user,
      origin,
      'user.mfa.enable',
      async (manager) => {
        const previous = await this.repository.findSms(userId, manager);
        await this.repository.saveVerifiedPhone(manager, userId, phone);
        return { factor: 'sms', from: previous ? maskPhone(previous.phone) : null, to: maskPhone(phone) };
      },
      [{ kind: 'phone.verified' }, { kind: 'mfa.enabled', details: { factor: 'sms' } }],
      async () => {
        if (!(await this.codes.consume('sms-phone', userId, codeHash))) {
          throw new DomainError('MFA_CODE_INVALID', 'The code is not valid');
        }
      },
    );
    return phone;
  }

  public async disable(user: AuthenticatedUser, origin: RequestOrigin): Promise<void> {
    const userId = user.userId;
    await this.factorChanges.commit(
      user,
      origin,
      'user.mfa.disable',
      async (manager) => {
        if (!(await this.repository.deleteSms(manager, userId))) {
          throw new DomainError('MFA_NOT_ENABLED', 'SMS codes are not enabled');
        }
        return { factor: 'sms' };
      },
      [{ kind: 'mfa.disabled', details: { factor: 'sms' } }],
    );
    await this.codes.discard('sms-2fa', userId);
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
      await this.sms.sendCode(message);
    } catch (error) {
      await this.codes.releaseCooldown(namespace, userId);
      throw error;
    }
  }

  private codeHash(userId: string, code: string): string {
    return this.hasher.hash('sms-code', `${userId}:${code}`);
  }
}
