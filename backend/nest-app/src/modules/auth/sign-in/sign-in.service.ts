import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { RequestOrigin, UserAccount } from '../../user/user-directory';
import { StaffSignInLockout } from '../lockout/staff-sign-in-lockout';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { SessionService, type SignInMethod, type TokenPair } from '../sessions/session.service';
import { MfaChallengeStore } from '../two-factor/mfa-challenge.store';
import { TwoFactorService } from '../two-factor/two-factor.service';

export interface MfaRequired {
  mfaRequired: true;
  mfaToken: string;
}

export type SignInResult = TokenPair | MfaRequired;

/** The last step of every way of signing in: account state, second factor, session. */
@Injectable()
export class SignInService {
  public constructor(
    private readonly sessions: SessionService,
    private readonly twoFactor: TwoFactorService,
    private readonly challenges: MfaChallengeStore,
    private readonly events: SecurityEventRepository,
    private readonly lockout: StaffSignInLockout,
  ) {}

  public async complete(account: UserAccount, method: SignInMethod, origin: RequestOrigin): Promise<SignInResult> {
    await this.assertActive(account, origin);
    if (await this.twoFactor.isEnabled(account.id)) {
      const mfaToken = await this.challenges.create({ userId: account.id, method });
      await this.events.record({ kind: 'sign_in.mfa_required', userId: account.id, origin, details: { method } });
      return { mfaRequired: true, mfaToken };
    }
    return this.startSession(account, method, origin, null);
  }

  /** Starts the session once every factor has passed (`mfaFactor` names the second one, if any). */
  public async startSession(
    account: UserAccount,
    method: SignInMethod,
    origin: RequestOrigin,
    mfaFactor: string | null,
  ): Promise<TokenPair> {
    await this.assertActive(account, origin);
    const { sessionId, ...tokens } = await this.sessions.start(
      account,
      method,
      origin,
      mfaFactor !== null,
      mfaFactor ?? undefined,
    );
    await this.lockout.forgive(account);
    await this.events.record({
      kind: 'sign_in.succeeded',
      userId: account.id,
      sessionId,
      origin,
      details: { method, mfa: mfaFactor },
    });
    return tokens;
  }

  private async assertActive(account: UserAccount, origin: RequestOrigin): Promise<void> {
    if (account.status !== 'active') {
      await this.events.record({
        kind: 'sign_in.refused',
        userId: account.id,
        origin,
        details: { status: account.status },
      });
      throw new DomainError('ACCOUNT_NOT_ACTIVE', 'The account cannot sign in');
    }
  }
}
