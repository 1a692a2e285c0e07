import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';

/** Where a request came from, for consents, sessions, security events and the audit log. */
export interface RequestOrigin {
  /** The client's IP address, or null when the request gives none (see `requestOriginOf`). */
  ip: string | null;
  userAgent: string;
  requestId?: string;
}

const MAX_USER_AGENT_LENGTH = 512;

/**
 * The request's origin. From a trusted proxy (`API_TRUSTED_PROXIES`) Fastify takes the client IP from the
 * right-most X-Forwarded-For entry no trusted proxy wrote, as it was written, which need not be an
 * address at all; such a value becomes
 * null rather than a made-up address or a row that PostgreSQL's `inet` columns refuse.
 */
export function requestOriginOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  return {
    ip: ipAddressOrNull(request.ip),
    userAgent: (typeof userAgent === 'string' ? userAgent : '').slice(0, MAX_USER_AGENT_LENGTH),
    requestId: String(request.id),
  };
}

/** An IPv4 or IPv6 address as PostgreSQL's `inet` accepts it, else null (IPv6 zone ids are not accepted there). */
export function ipAddressOrNull(value: string | undefined): string | null {
  if (typeof value !== 'string' || value.includes('%')) return null;
  return isIP(value) === 0 ? null : value;
}

/** Handler parameter: the request's `RequestOrigin`. */
export const Origin = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin => {
  return requestOriginOf(context.switchToHttp().getRequest<FastifyRequest>());
});
