/** Failures where the connection to the instance broke or never opened: the instance is ejected. */
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const NEVER_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT']);

export type UpstreamFailure = 'connection' | 'timeout' | 'other';

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** What went wrong, from reply-from's error and the undici error it wraps as `cause`. */
export function classifyUpstreamFailure(error: unknown): UpstreamFailure {
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  const codes = [codeOf(cause), codeOf(error)];
  if (codes.some((code) => code !== undefined && TIMEOUTS.has(code))) return 'timeout';
  if (codes.some((code) => code !== undefined && CONNECTION_FAILURES.has(code))) return 'connection';
  return 'other';
}

/**
 * The connection to the instance never opened (refused, or not established in time): the request was not sent, so
 * any request, a POST included, may go to another instance (an instance killed a moment ago refuses until its
 * ejection, while the requests it had in flight fail with a reset socket, which is never retried).
 */
export function wasNeverSent(error: unknown): boolean {
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  return [codeOf(cause), codeOf(error)].some((code) => code !== undefined && NEVER_SENT.has(code));
}

export function isIdempotentRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}
