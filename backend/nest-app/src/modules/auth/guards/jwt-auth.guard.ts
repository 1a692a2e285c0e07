import { DomainError } from '@casino/contracts';
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { IS_PUBLIC_KEY } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';

/** The platform's own routes (libs/platform controllers) that must answer without a token. */
const PLATFORM_PUBLIC_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/** Global guard: every route needs a valid access token of a live session unless it is `@Public()`. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  public constructor(private readonly reflector: Reflector) {
    super();
  }

  public override canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean> {
    if (context.getType() !== 'http' || this.isPublic(context)) {
      return true;
    }
    return super.canActivate(context);
  }

  /**
   * `error` is only what the strategy's `validate` threw (passport-jwt reports a bad or expired token as no user): its
   * refusals, or a failure to read the session (Redis down: a 503, not a 401 that would sign the client out).
   */
  public override handleRequest<TUser = AuthenticatedUser>(error: unknown, user: TUser | false): TUser {
    if (error) {
      throw error;
    }
    if (!user) {
      throw new DomainError('UNAUTHENTICATED', 'A valid access token is required');
    }
    return user;
  }

  private isPublic(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const route = context.switchToHttp().getRequest<FastifyRequest>().routeOptions?.url;
    return route !== undefined && PLATFORM_PUBLIC_ROUTES.has(route);
  }
}
