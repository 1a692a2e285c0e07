import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import type { RequestOrigin } from '../user/user-directory';

const MAX_USER_AGENT_LENGTH = 512;

/** Where a request came from: client IP (as Fastify's trust-proxy setting resolves it), user agent, request id. */
export function requestOriginOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  return {
    ip: isIP(request.ip) ? request.ip : '0.0.0.0',
    userAgent: (typeof userAgent === 'string' ? userAgent : '').slice(0, MAX_USER_AGENT_LENGTH),
    requestId: typeof request.id === 'string' ? request.id : undefined,
  };
}

/** Handler parameter: the request's `RequestOrigin`. */
export const Origin = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin => {
  return requestOriginOf(context.switchToHttp().getRequest<FastifyRequest>());
});
