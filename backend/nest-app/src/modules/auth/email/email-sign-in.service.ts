import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { Mailer } from '../../../infra/mail/mailer';
import { ConsentsService } from '../../user/consents/consents.service';
import type { ConsentDecisionDto } from '../../user/consents/dto/consents.dto';
import { UserDirectory, type RequestOrigin } from '../../user/user-directory';
import { AuthHasher } from '../auth-hasher';
import { newSixDigitCode, OneTimeCodeStore } from '../codes/one-time-code.store';
import { StaffSignInLockout, type StaffSignInAttempt } from '../lockout/staff-sign-in-lockout';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { SignInService, type SignInResult } from '../sign-in/sign-in.service';

export const EMAIL_CODE_TTL_SECONDS = 600;
export const EMAIL_CODE_RESEND_SECONDS = 60;

/** Sign-up and sign-in with a 6-digit code sent by email. */
@Injectable()
export class EmailSignInService {
  public constructor(
    private readonly codes: OneTimeCodeStore,
    private readonly hasher: AuthHasher,
    private readonly mailer: Mailer,
    private readonly users: UserDirectory,
    private readonly signIn: SignInService,
    private readonly events: SecurityEventRepository,
    private readonly consents: ConsentsService,
    private readonly lockout: StaffSignInLockout,
  ) {}

  /** Sends a code to any address, known or not (the answer is the same); one per address per minute. */
  public async start(rawEmail: string): Promise<void> {
    const email = normaliseEmail(rawEmail);
    const subject = this.hasher.hash('address', email);
    const wait = await this.codes.claimCooldown('email', subject, EMAIL_CODE_RESEND_SECONDS);
    if (wait > 0) {
      throw new DomainError('RATE_LIMITED', 'A code was sent to this address recently; try again later', {
        retryAfterSeconds: wait,
      });
    }
    const code = newSixDigitCode();
    await this.codes.issue('email', subject, this.codeHash(email, code), EMAIL_CODE_TTL_SECONDS);
    try {
      await this.mailer.sendCode({
        to: email,
        subject: `Your sign-in code: ${code}`,
        text: `Your sign-in code is ${code}. It expires in 10 minutes. If you did not ask for it, ignore this mail.`,
        template: 'auth.email-code',
      });
    } catch (error) {
      await this.codes.releaseCooldown('email', subject);
      throw error;
    }
  }

  /**
   * Checks the code; the player is created on first use with the email confirmed, and the consents
   * given with it (sign-up) are recorded. Consents are validated before the code is spent.
   */
  public async verify(
    rawEmail: string,
    code: string,
    origin: RequestOrigin,
    consents: ConsentDecisionDto[] = [],
  ): Promise<SignInResult> {
    this.consents.assertValidDecisions(consents);
    const email = normaliseEmail(rawEmail);
    const subject = this.hasher.hash('address', email);
    const attempt = await this.lockout.begin(await this.users.findByEmail(email), origin);
    try {
      return await this.checkAndSignIn(email, subject, code, origin, consents, attempt);
    } finally {
      await attempt.end();
    }
  }

  private async checkAndSignIn(
    email: string,
    subject: string,
    code: string,
    origin: RequestOrigin,
    consents: ConsentDecisionDto[],
    attempt: StaffSignInAttempt,
  ): Promise<SignInResult> {
    const check = await this.codes.check('email', subject, this.codeHash(email, code));
    if (check.outcome !== 'ok') await attempt.fail();
    if (check.outcome === 'locked') {
      await this.events.record({ kind: 'code.locked', subject: `email:${subject}`, origin });
      throw new DomainError('AUTH_CODE_ATTEMPTS_EXCEEDED', 'Too many wrong codes; request a new one');
    }
    if (check.outcome !== 'ok') {
      await this.events.record({
        kind: 'sign_in.failed',
        subject: `email:${subject}`,
        origin,
        details: { method: 'email' },
      });
      throw new DomainError(
        'AUTH_CODE_INVALID',
        'The code is not valid or has expired',
        check.outcome === 'wrong' ? { attemptsLeft: check.attemptsLeft } : undefined,
      );
    }
    const { account } = await this.users.findOrRegisterByEmail(email, origin);
    if (consents.length > 0) await this.consents.record(account.id, consents, origin);
    return this.signIn.complete(account, 'email', origin);
  }

  private codeHash(email: string, code: string): string {
    return this.hasher.hash('email-code', `${email}:${code}`);
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
