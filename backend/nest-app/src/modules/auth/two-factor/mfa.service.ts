import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { UserDirectory, type RequestOrigin } from '../../user/user-directory';
import { FailureCounter } from '../codes/failure-counter';
import { StaffSignInLockout, type StaffSignInAttempt } from '../lockout/staff-sign-in-lockout';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { SessionService, type TokenPair } from '../sessions/session.service';
import { SignInService } from '../sign-in/sign-in.service';
import { MfaChallengeStore, type MfaChallenge } from './mfa-challenge.store';
import { SmsFactorService } from './sms-factor.service';
import { TwoFactorService } from './two-factor.service';

export type SecondFactor = 'totp' | 'sms' | 'recovery-code';

const STEP_UP_MAX_FAILURES = 5;
const STEP_UP_LOCK_SECONDS = 900;

/** Second-factor checks: finishing a sign-in challenge, and step-up of a signed-in session. */
@Injectable()
export class MfaService {
  public constructor(
    private readonly challenges: MfaChallengeStore,
    private readonly twoFactor: TwoFactorService,
    private readonly sms: SmsFactorService,
    private readonly users: UserDirectory,
    private readonly signIn: SignInService,
    private readonly sessions: SessionService,
    private readonly failures: FailureCounter,
    private readonly events: SecurityEventRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly lockout: StaffSignInLockout,
  ) {}

  /** Finishes a sign-in with a TOTP, SMS or recovery code; the challenge dies after 5 wrong codes. */
  public async verifyChallenge(mfaToken: string, code: string, origin: RequestOrigin): Promise<TokenPair> {
    const challenge = await this.challenges.find(mfaToken);
    if (!challenge) {
      throw new DomainError('MFA_CHALLENGE_INVALID', 'The sign-in challenge has expired; sign in again');
    }
    const attempt = await this.lockout.begin(await this.users.findById(challenge.userId), origin);
    try {
      return await this.answerChallenge(mfaToken, challenge, code, origin, attempt);
    } finally {
      await attempt.end();
    }
  }

  private async answerChallenge(
    mfaToken: string,
    challenge: MfaChallenge,
    code: string,
    origin: RequestOrigin,
    attempt: StaffSignInAttempt,
  ): Promise<TokenPair> {
    // The challenge's attempt is taken before the code is checked: parallel guesses check at most 5 codes.
    const attemptsLeft = await this.challenges.claimAttempt(mfaToken);
    if (attemptsLeft < 0) {
      throw new DomainError('MFA_CHALLENGE_INVALID', 'The sign-in challenge has expired; sign in again');
    }
    const factor = await this.check(challenge.userId, code, origin, 'sign-in');
    if (!factor) {
      await attempt.fail();
      const locked = attemptsLeft === 0;
      if (locked) await this.challenges.consume(mfaToken);
      await this.events.record({
        kind: locked ? 'mfa.locked' : 'mfa.failed',
        userId: challenge.userId,
        origin,
        details: { during: 'sign-in' },
      });
      if (locked) throw new DomainError('MFA_CHALLENGE_INVALID', 'Too many wrong codes; sign in again');
      throw new DomainError('MFA_CODE_INVALID', 'The code is not valid', { attemptsLeft });
    }
    if (!(await this.challenges.consume(mfaToken))) {
      throw new DomainError('MFA_CHALLENGE_INVALID', 'The sign-in challenge has already been used');
    }
    const account = await this.users.findById(challenge.userId);
    if (!account) throw new DomainError('MFA_CHALLENGE_INVALID', 'The account no longer exists');
    return this.signIn.startSession(account, challenge.method, origin, factor);
  }

  /** Sends an SMS code for a pending sign-in challenge. */
  public async sendChallengeSms(mfaToken: string): Promise<void> {
    const challenge = await this.challenges.find(mfaToken);
    if (!challenge) throw new DomainError('MFA_CHALLENGE_INVALID', 'The sign-in challenge has expired; sign in again');
    await this.sms.sendCode(challenge.userId);
  }

  /** Marks the caller's session as recently verified (withdrawals, security settings need it). */
  public async stepUp(
    user: AuthenticatedUser,
    code: string,
    origin: RequestOrigin,
  ): Promise<{ verifiedUntil: string }> {
    if (!(await this.twoFactor.isEnabled(user.userId))) {
      throw new DomainError('MFA_NOT_ENABLED', 'Set up two-factor authentication first');
    }
    const attempt = await this.failures.claim('step-up', user.userId, STEP_UP_MAX_FAILURES, STEP_UP_LOCK_SECONDS);
    if (!attempt.allowed) {
      throw new DomainError('RATE_LIMITED', 'Too many wrong codes; try again later', {
        retryAfterSeconds: attempt.retryAfterSeconds,
      });
    }
    const factor = await this.check(user.userId, code, origin, 'step-up');
    if (!factor) {
      await this.events.record({
        kind: attempt.attemptsLeft === 0 ? 'mfa.locked' : 'mfa.failed',
        userId: user.userId,
        sessionId: user.sessionId,
        origin,
        details: { during: 'step-up' },
      });
      throw new DomainError('MFA_CODE_INVALID', 'The code is not valid', { attemptsLeft: attempt.attemptsLeft });
    }
    await this.failures.reset('step-up', user.userId);
    await this.sessions.markMfa(user.sessionId, factor);
    await this.events.record({
      kind: 'mfa.step_up',
      userId: user.userId,
      sessionId: user.sessionId,
      origin,
      details: { factor },
    });
    const until = this.clock.now().getTime() + this.config.MFA_STEP_UP_TTL_SECONDS * 1000;
    return { verifiedUntil: new Date(until).toISOString() };
  }

  /** Which factor the code satisfies (using it up), or null. */
  private async check(
    userId: string,
    code: string,
    origin: RequestOrigin,
    during: 'sign-in' | 'step-up',
  ): Promise<SecondFactor | null> {
    if (/^\d{6}$/.test(code)) {
      if (await this.twoFactor.verifyTotp(userId, code)) return 'totp';
      if (await this.sms.verifyCode(userId, code)) return 'sms';
      return null;
    }
    return (await this.twoFactor.useRecoveryCode(userId, code, origin, during)) ? 'recovery-code' : null;
  }
}
