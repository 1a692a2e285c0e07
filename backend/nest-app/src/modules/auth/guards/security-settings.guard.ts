import { DomainError } from '@casino/contracts';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { StepUpService } from '../two-factor/step-up.service';
import { TwoFactorService } from '../two-factor/two-factor.service';

/**
 * Changing second factors: free for a user who has none yet (first enrolment), otherwise the
 * session must have passed a second factor recently (403 MFA_STEP_UP_REQUIRED).
 */
@Injectable()
export class SecuritySettingsGuard implements CanActivate {
  public constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly stepUp: StepUpService,
  ) {}

  public async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (!user) {
      throw new DomainError('UNAUTHENTICATED', 'A valid access token is required');
    }
    if (await this.twoFactor.isEnabled(user.userId)) {
      await this.stepUp.assertRecentMfa(user);
    }
    return true;
  }
}
