import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from './user-directory';

/** Who-and-where of a request, for consents and the audit log. */
export function originOf(request: FastifyRequest): RequestOrigin {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof agent === 'string' ? agent.slice(0, 500) : '',
    requestId: String(request.id),
  };
}
