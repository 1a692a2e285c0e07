import { DomainError } from '@casino/contracts';
import { Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { StepUpService } from '../two-factor/step-up.service';

/** Route guard: the caller's session passed a second factor recently (403 MFA_STEP_UP_REQUIRED otherwise). */
@Injectable()
export class StepUpGuard implements CanActivate {
  public constructor(private readonly stepUp: StepUpService) {}

  public async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (!user) {
      throw new DomainError('UNAUTHENTICATED', 'A valid access token is required');
    }
    await this.stepUp.assertRecentMfa(user);
    return true;
  }
}

/** `@RequireRecentMfa()` on a handler or controller: needs a recent step-up (see StepUpGuard). */
export const RequireRecentMfa = (): MethodDecorator & ClassDecorator => UseGuards(StepUpGuard);
