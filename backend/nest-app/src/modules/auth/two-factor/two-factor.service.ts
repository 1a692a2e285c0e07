import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { toDataURL } from 'qrcode';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { UserDirectory, type RequestOrigin } from '../../user/user-directory';
import { AuthHasher } from '../auth-hasher';
import { FactorChangeAudit } from './factor-change-audit';
import { newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes';
import { SecretBox } from './secret-box';
import { matchTotpStep, newTotpSecret, totpUri } from './totp';
import { TwoFactorRepository } from './two-factor.repository';

export interface TotpSetup {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

/** TOTP (authenticator apps) and recovery codes. */
@Injectable()
export class TwoFactorService {
  public constructor(
    private readonly repository: TwoFactorRepository,
    private readonly box: SecretBox,
    private readonly hasher: AuthHasher,
    private readonly users: UserDirectory,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly factorChanges: FactorChangeAudit,
  ) {}

  public isEnabled(userId: string): Promise<boolean> {
    return this.repository.isAnyFactorEnabled(userId);
  }

  /** A new secret (not active until enabled with a code from the app); replaces an unfinished setup. */
  public async setupTotp(userId: string): Promise<TotpSetup> {
    const secret = newTotpSecret();
    if (!(await this.repository.savePendingTotp(userId, this.box.seal(secret, userId)))) {
      throw new DomainError('MFA_ALREADY_ENABLED', 'TOTP is already enabled; disable it first');
    }
    const account = await this.users.findById(userId);
    const label = account?.email ?? (account?.telegramId ? `telegram-${account.telegramId}` : userId);
    const otpauthUri = totpUri(this.config.TOTP_ISSUER, label, secret);
    return { secret, otpauthUri, qrCodeDataUrl: await toDataURL(otpauthUri, { errorCorrectionLevel: 'M' }) };
  }

  /** Turns TOTP on with a first code from the app (audited); returns the recovery codes, shown this once. */
  public async enableTotp(user: AuthenticatedUser, code: string, origin: RequestOrigin): Promise<string[]> {
    const userId = user.userId;
    const factor = await this.repository.findTotp(userId);
    if (!factor) throw new DomainError('MFA_SETUP_REQUIRED', 'Set up TOTP first');
    if (factor.enabledAt) throw new DomainError('MFA_ALREADY_ENABLED', 'TOTP is already enabled');
    const step = matchTotpStep(this.box.open(factor.secretCiphertext, userId), code, this.epochSeconds(), null);
    if (step === null) {
      throw new DomainError('MFA_CODE_INVALID', 'The code is not valid');
    }
    const codes = newRecoveryCodes();
    const hashes = codes.map((c) => this.hashRecoveryCode(userId, c));
    await this.factorChanges.commit(
      user,
      origin,
      'user.mfa.enable',
      async (manager) => {
        if (!(await this.repository.enableTotp(manager, userId, step, hashes))) {
          throw new DomainError('MFA_ALREADY_ENABLED', 'TOTP is already enabled');
        }
        return { factor: 'totp' };
      },
      [{ kind: 'mfa.enabled', details: { factor: 'totp' } }],
    );
    return codes;
  }

  public async disableTotp(user: AuthenticatedUser, origin: RequestOrigin): Promise<void> {
    await this.factorChanges.commit(
      user,
      origin,
      'user.mfa.disable',
      async (manager) => {
        if (!(await this.repository.deleteTotp(manager, user.userId))) {
          throw new DomainError('MFA_NOT_ENABLED', 'TOTP is not set up');
        }
        return { factor: 'totp' };
      },
      [{ kind: 'mfa.disabled', details: { factor: 'totp' } }],
    );
  }

  public async regenerateRecoveryCodes(user: AuthenticatedUser, origin: RequestOrigin): Promise<string[]> {
    const userId = user.userId;
    const factor = await this.repository.findTotp(userId);
    if (!factor?.enabledAt) throw new DomainError('MFA_NOT_ENABLED', 'TOTP is not enabled');
    const codes = newRecoveryCodes();
    const hashes = codes.map((c) => this.hashRecoveryCode(userId, c));
    await this.factorChanges.commit(
      user,
      origin,
      'user.mfa.recovery_codes.regenerate',
      async (manager) => {
        await this.repository.replaceRecoveryCodes(manager, userId, hashes);
        return { factor: 'totp', count: codes.length };
      },
      [{ kind: 'mfa.recovery_codes_regenerated' }],
    );
    return codes;
  }

  /** True when the code matches a step within ±1 that was never used before (the step is then used up). */
  public async verifyTotp(userId: string, code: string): Promise<boolean> {
    const factor = await this.repository.findTotp(userId);
    if (!factor?.enabledAt) return false;
    const step = matchTotpStep(
      this.box.open(factor.secretCiphertext, userId),
      code,
      this.epochSeconds(),
      factor.lastUsedStep,
    );
    return step !== null && (await this.repository.claimTotpStep(userId, step));
  }

  /**
   * True when the code is one of the user's unused recovery codes: it is then used up, with its audit record
   * (`user.mfa.recovery_code.use`, how many are left; never the code) and its security event in one transaction.
   */
  public async useRecoveryCode(
    userId: string,
    code: string,
    origin: RequestOrigin,
    during: 'sign-in' | 'step-up',
  ): Promise<boolean> {
    const normalised = normaliseRecoveryCode(code);
    const account = normalised === null ? null : await this.users.findById(userId);
    if (normalised === null || !account) return false;
    const hash = this.hashRecoveryCode(userId, normalised);
    return this.factorChanges
      .commit(
        { userId, roles: account.roles },
        origin,
        'user.mfa.recovery_code.use',
        async (manager) => {
          if (!(await this.repository.useRecoveryCode(manager, userId, hash))) throw new RecoveryCodeUnknown();
          return { during, codesLeft: await this.repository.countUnusedRecoveryCodes(userId, manager) };
        },
        [{ kind: 'mfa.recovery_code_used', details: { during } }],
      )
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof RecoveryCodeUnknown) return false;
          throw error;
        },
      );
  }

  public async status(
    userId: string,
  ): Promise<{ totpEnabled: boolean; smsPhone: string | null; recoveryCodesLeft: number }> {
    const [totp, sms, left] = await Promise.all([
      this.repository.findTotp(userId),
      this.repository.findSms(userId),
      this.repository.countUnusedRecoveryCodes(userId),
    ]);
    return {
      totpEnabled: Boolean(totp?.enabledAt),
      smsPhone: sms?.verifiedAt ? sms.phone : null,
      recoveryCodesLeft: left,
    };
  }

  private hashRecoveryCode(userId: string, code: string): string {
    return this.hasher.hash('recovery-code', `${userId}:${normaliseRecoveryCode(code) ?? code}`);
  }

  private epochSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

/** A recovery code that is unknown or used: rolls the (empty) change back, then answers false. */
class RecoveryCodeUnknown extends Error {}
