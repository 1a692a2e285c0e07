import { ApiExceptionFilter, toErrorResponse } from '@casino/platform';
import { Catch, Injectable, type ArgumentsHost, type ExceptionFilter, type RawBodyRequest } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { providerProtocolOf } from './provider-body';
import type { WalletCall } from './seamless-adapter';
import { SeamlessGateway } from './seamless-gateway';

/**
 * The wallet controllers' filter, for what escapes the gateway (a guard, an interceptor, the controller itself): a
 * refusal of the API (an unknown provider's 404, a hostile path's 400) keeps its API answer; anything that would be a
 * 5xx answers in the route's protocol, as the gateway answers its own failures (Hub88: HTTP 200 `RS_ERROR_UNKNOWN`
 * with the `request_uuid`), since the provider counts any other answer as a transport failure.
 */
@Catch()
@Injectable()
export class ProviderWalletErrorFilter implements ExceptionFilter {
  private readonly api = new ApiExceptionFilter();

  public constructor(private readonly gateway: SeamlessGateway) {}

  public catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<RawBodyRequest<FastifyRequest>>();
    const protocol = providerProtocolOf(request);
    const refusal = toErrorResponse(exception, true);
    const answer =
      protocol && (refusal.unexpected || refusal.status >= 500)
        ? this.gateway.unexpectedFailure(protocol, providerCodeOf(request), callOf(request), exception)
        : null;
    if (!answer) {
      this.api.catch(exception, host);
      return;
    }
    void host.switchToHttp().getResponse<FastifyReply>().status(answer.httpStatus).send(answer.body);
  }
}

function providerCodeOf(request: FastifyRequest): string {
  const code = (request.params as Record<string, unknown> | undefined)?.['code'];
  return typeof code === 'string' ? code : '';
}

const AFTER_CODE = '/:code/';

function callOf(request: RawBodyRequest<FastifyRequest>): WalletCall {
  const route = request.routeOptions?.url ?? '';
  const at = route.indexOf(AFTER_CODE);
  return {
    // `/api/v1/providers/:code/transaction/bet` → `transaction/bet`, the gateway's name of the operation.
    operation: at < 0 ? route : route.slice(at + AFTER_CODE.length),
    rawBody: request.rawBody,
    headers: request.headers,
    body: request.body,
  };
}
