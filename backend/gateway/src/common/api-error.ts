import { ERROR_CODES, type ErrorCode } from '@casino/contracts';
import { STATUS_OF_CATEGORY } from '@casino/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answers with the API error body (ADR 0009) from inside the gateway's own Fastify routes and hooks,
 * where Nest's exception filter does not run. The code's category decides the status.
 */
export function sendApiError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): FastifyReply {
  const error: Record<string, unknown> = { code, message };
  if (details !== undefined) error['details'] = details;
  return reply
    .status(STATUS_OF_CATEGORY[ERROR_CODES[code]])
    .type('application/json')
    .send({ error, requestId: request.id });
}
