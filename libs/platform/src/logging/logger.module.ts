import { RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { requestIdOf } from '../http/request-id';
import { lokiDestination, traceIdsMixin, type LokiShipping } from './loki-shipping';
import { REDACTED_PATHS, REDACTION_CENSOR } from './redaction';

export interface LoggingOptions {
  serviceName: string;
  level: string;
  /** Where the JSON lines go; stdout when unset (tests capture them here). */
  destination?: DestinationStream;
  /**
   * `middleware` (default): pino-http in Nest's middleware chain logs each request. `fastify-hook`: no middleware;
   * the app logs requests with `logRequestsFromFastify` (the gateway's proxied routes never enter Nest).
   */
  requestLogs?: 'middleware' | 'fastify-hook';
  /** Also push every line to Loki when its `url` is set (the platform settings' `lokiShipping`). */
  loki?: LokiShipping;
  /** The `env` label of the shipped lines (NODE_ENV). */
  environment?: string;
}

const SENSITIVE_QUERY_PARAMS = /^(token|access_token|refresh_token|code|otp|password|secret|signature|hash|initData)$/i;

/** The URL as logged: values of query parameters that could carry a secret are blanked. */
export function loggableUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of [...params.keys()]) {
    if (SENSITIVE_QUERY_PARAMS.test(key)) params.set(key, REDACTION_CENSOR);
  }
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}

/** pino-http's options: the request id as `requestId`, redaction, the URL as logged. */
export function httpLoggerOptions(options: Pick<LoggingOptions, 'serviceName' | 'level'>): PinoHttpOptions {
  return {
    level: options.level,
    base: { service: options.serviceName },
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    customAttributeKeys: { reqId: 'requestId' },
    // `requestId` at the top of every request-scoped line (not only inside `req`), as the gateway's hook writes it.
    customProps: (req: IncomingMessage & { id?: unknown }) => ({ requestId: req.id }),
    // Inside an active span each line names it, so a log line leads to its trace and back.
    mixin: traceIdsMixin,
    redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR },
    serializers: {
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: loggableUrl(req.url),
        headers: req.headers,
      }),
    },
  };
}

/** JSON logs with a request id on every line and secrets redacted. */
export function createLoggerModule(options: LoggingOptions): DynamicModule {
  const pinoHttp = httpLoggerOptions(options);
  const destination =
    options.destination ??
    (options.loki?.url
      ? lokiDestination(options.serviceName, options.environment ?? 'development', options.loki)
      : undefined);
  if (options.requestLogs === 'fastify-hook') {
    return LoggerModule.forRoot({ forRoutes: [], pinoHttp: destination ? [pinoHttp, destination] : pinoHttp });
  }
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    // Probes are polled every few seconds; logging each would drown the log.
    exclude: [
      { path: 'health/{*path}', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
    pinoHttp: destination ? [pinoHttp, destination] : pinoHttp,
  });
}
