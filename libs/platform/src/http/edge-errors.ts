import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';

/** The API error body (ADR 0009) for answers written before a request reaches Nest. */
export function edgeErrorBody(code: string, message: string, requestId: string): string {
  return JSON.stringify({ error: { code, message }, requestId });
}

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode (`/api/v1/%zz`) and the like, answered 400 in the API's error
 * body instead of Fastify's own shape.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .status(400)
    .header('content-type', 'application/json; charset=utf-8')
    .send(
      edgeErrorBody(
        'MALFORMED_REQUEST',
        error.code === 'FST_ERR_BAD_URL' ? 'The URL is malformed' : 'The request is malformed',
        request.id,
      ),
    );
}

const CLIENT_ERROR_ANSWERS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'REQUEST_HEADERS_TOO_LARGE',
    message: 'The request line or headers are too large',
  },
};
const MALFORMED = {
  status: 400,
  reason: 'Bad Request',
  code: 'MALFORMED_REQUEST',
  message: 'The request is malformed',
};

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses (headers or URL over the size limit, a broken
 * request line, a bad header) never reaches routing; the answer is written on the socket, in the API's error body,
 * and the connection closed (the parser cannot resynchronise with that client).
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const answer = (error.code && CLIENT_ERROR_ANSWERS[error.code]) || MALFORMED;
  const body = edgeErrorBody(answer.code, answer.message, randomUUID());
  socket.end(
    `HTTP/1.1 ${answer.status} ${answer.reason}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
