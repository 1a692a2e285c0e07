import { ERROR_CODES } from '@casino/contracts';
import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DependencyFailureLog } from './dependency-failure-log';
import { toErrorResponse } from './error-response';
import { counterOf } from '../metrics/metric-factories';

const errorResponses = counterOf(
  'api_error_responses_total',
  'Error answers by stable error code (RATE_LIMITED, UNAUTHENTICATED, ...) and HTTP status; OTHER for a code outside the registry',
  ['code', 'status_code'],
);

/**
 * Every error leaves as `{ error: { code, message, details? }, requestId }`. Unexpected errors
 * are logged with their stack and shown only as a generic message; a dependency that is unreachable
 * is a 503 `SERVICE_UNAVAILABLE`, logged a line at a time per dependency (`DependencyFailureLog`).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');
  private readonly dependencies = new DependencyFailureLog(this.logger);

  public catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = toErrorResponse(exception, request.routeOptions?.url !== undefined);
    errorResponses.inc({
      code: Object.hasOwn(ERROR_CODES, response.code) ? response.code : 'OTHER',
      status_code: String(response.status),
    });
    if (response.unexpected) {
      this.logger.error({ err: exception, requestId: request.id }, 'Unexpected error');
    }
    if (response.dependency) this.dependencies.failed(response.dependency, exception, request.id);
    if (response.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(Math.max(1, Math.ceil(response.retryAfterSeconds))));
    }
    const error: Record<string, unknown> = { code: response.code, message: response.message };
    if (response.details !== undefined) {
      error['details'] = response.details;
    }
    void reply.status(response.status).send({ error, requestId: request.id });
  }
}
