import type { FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The headers an instance gets: the peer's socket address appended to `X-Forwarded-For` (entries a client wrote
 * stay to its left, where nest-app never looks: it takes the right-most entry not from a trusted proxy), the
 * request id (the caller's when well-formed, else a new one: `request.id`), and how the client reached us.
 */
export function forwardedHeaders(request: FastifyRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const peer = request.raw.socket.remoteAddress ?? 'unknown';
  const prior = headers['x-forwarded-for'];
  const chain = (Array.isArray(prior) ? prior.join(', ') : prior)?.trim();
  // reply-from hands over its own copy of the request's headers: set in place rather than copy them once more.
  headers['x-forwarded-for'] = chain ? `${chain}, ${peer}` : peer;
  headers['x-forwarded-proto'] = request.protocol;
  headers['x-forwarded-host'] = request.host;
  headers['x-request-id'] = request.id;
  return headers;
}
