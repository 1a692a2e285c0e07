import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { SessionStore } from '../sessions/session.store';
import { TwoFactorRepository } from './two-factor.repository';

/**
 * For other modules (withdrawals, security settings): has the caller's session passed a second
 * factor within `MFA_STEP_UP_TTL_SECONDS`? Sign-in with 2FA and `POST /auth/2fa/step-up` count.
 */
@Injectable()
export class StepUpService {
  public constructor(
    private readonly sessions: SessionStore,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly factors: TwoFactorRepository,
  ) {}

  /**
   * Step-up for players who have a second factor: they must have confirmed it recently. A player
   * without one passes (there is nothing to step up with); enrolment is encouraged elsewhere.
   */
  public async assertRecentMfaIfEnrolled(user: AuthenticatedUser): Promise<void> {
    if (await this.factors.isAnyFactorEnabled(user.userId)) await this.assertRecentMfa(user);
  }

  public async assertRecentMfa(user: AuthenticatedUser): Promise<void> {
    const session = await this.sessions.get(user.sessionId);
    const windowMs = this.config.MFA_STEP_UP_TTL_SECONDS * 1000;
    if (!session?.mfaAt || this.clock.now().getTime() - session.mfaAt > windowMs) {
      throw new DomainError('MFA_STEP_UP_REQUIRED', 'Confirm with your second factor first', {
        stepUp: '/api/v1/auth/2fa/step-up',
      });
    }
  }
}
