import { DomainError, type ErrorCategory } from '@casino/contracts';
import { HttpException, HttpStatus } from '@nestjs/common';
import { unavailableDependency, type UnavailableDependency } from '../errors/dependency-failure';

/** The one mapping from error category to HTTP status. */
export const STATUS_OF_CATEGORY: Record<ErrorCategory, number> = {
  invalid_input: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  business_rule: HttpStatus.UNPROCESSABLE_ENTITY,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  bad_gateway: HttpStatus.BAD_GATEWAY,
  gateway_timeout: HttpStatus.GATEWAY_TIMEOUT,
  internal: HttpStatus.INTERNAL_SERVER_ERROR,
};

const CODE_OF_STATUS: Record<number, string> = {
  // Our ValidationPipe throws VALIDATION_FAILED itself; other 400s are unparsable requests.
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'RESOURCE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'BUSINESS_RULE_VIOLATED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export const GENERIC_INTERNAL_MESSAGE = 'An unexpected error occurred';
export const DEPENDENCY_UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable; try again shortly';
/** A PostgreSQL restart or a Redis failover takes seconds; the client's retry should not come sooner. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

export interface ErrorResponse {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  retryAfterSeconds?: number;
  /** True when nothing of the cause may be shown and the error must be logged in full. */
  unexpected: boolean;
  /** Set when the request failed because a dependency is unreachable (a 503): logged as such, not as a bug. */
  dependency?: UnavailableDependency;
}

/** Translates anything thrown into the status, code and message a client may see. */
export function toErrorResponse(exception: unknown, routeMatched: boolean): ErrorResponse {
  if (exception instanceof DomainError) {
    const retryAfter = exception.details?.['retryAfterSeconds'];
    return {
      status: STATUS_OF_CATEGORY[exception.category],
      code: exception.code,
      message: exception.message,
      details: exception.details,
      retryAfterSeconds: typeof retryAfter === 'number' ? retryAfter : undefined,
      unexpected: exception.category === 'internal',
    };
  }
  if (exception instanceof HttpException) {
    return fromHttpException(exception, routeMatched);
  }
  const status = statusCodeOf(exception);
  if (status !== undefined && status >= 400 && status < 500) {
    // Fastify's own refusals: unparsable JSON, body too large, unsupported content type.
    return {
      status,
      code: status === 400 ? 'MALFORMED_REQUEST' : (CODE_OF_STATUS[status] ?? 'MALFORMED_REQUEST'),
      message: status === 400 ? 'The request body could not be parsed' : messageOf(exception),
      unexpected: false,
    };
  }
  const dependency = unavailableDependency(exception);
  if (dependency) {
    return {
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: DEPENDENCY_UNAVAILABLE_MESSAGE,
      retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
      unexpected: false,
      dependency,
    };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: GENERIC_INTERNAL_MESSAGE, unexpected: true };
}

function fromHttpException(exception: HttpException, routeMatched: boolean): ErrorResponse {
  const status = exception.getStatus();
  if (status >= 500) {
    const unavailable = status === 503;
    return {
      status,
      code: unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR',
      message: unavailable ? 'The service is unavailable' : GENERIC_INTERNAL_MESSAGE,
      unexpected: !unavailable,
    };
  }
  if (status === 404 && !routeMatched) {
    return { status, code: 'ROUTE_NOT_FOUND', message: 'No such route', unexpected: false };
  }
  return {
    status,
    code: CODE_OF_STATUS[status] ?? 'MALFORMED_REQUEST',
    message: exception.message,
    unexpected: false,
  };
}

function statusCodeOf(exception: unknown): number | undefined {
  if (typeof exception === 'object' && exception !== null && 'statusCode' in exception) {
    const value = (exception as { statusCode: unknown }).statusCode;
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

function messageOf(exception: unknown): string {
  return exception instanceof Error ? exception.message : 'The request was refused';
}
