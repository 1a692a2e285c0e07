import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type RequestWithId = IncomingMessage & { id?: unknown };

/**
 * The request id of a raw request: the caller's `X-Request-Id` when it is sane, a new UUID
 * otherwise. Cached on the request so that Fastify, the logger and the error filter agree.
 */
export function requestIdOf(raw: IncomingMessage): string {
  const request = raw as RequestWithId;
  if (typeof request.id === 'string') {
    return request.id;
  }
  const header = raw.headers['x-request-id'];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && ACCEPTABLE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  request.id = id;
  return id;
}
