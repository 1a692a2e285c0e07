import { DomainError } from '@casino/contracts';
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';

/**
 * The launch route is `@Public()` so that demo mode needs no sign-in; a real-money launch still
 * needs a valid access token of a live session (the auth module's `jwt` strategy).
 */
@Injectable()
export class LaunchAuthGuard extends AuthGuard('jwt') {
  public override canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean> {
    const body = context.switchToHttp().getRequest<FastifyRequest>().body as { mode?: unknown } | undefined;
    if (body?.mode === 'demo') return true;
    return super.canActivate(context);
  }

  public override handleRequest<TUser = AuthenticatedUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof DomainError) throw error;
    if (error || !user) throw new DomainError('UNAUTHENTICATED', 'Sign in to play for real money');
    return user;
  }
}
