import { RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { requestIdOf } from '../http/request-id';
import { REDACTED_PATHS, REDACTION_CENSOR } from './redaction';

export interface LoggingOptions {
  serviceName: string;
  level: string;
}

const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

/** JSON logs with a request id on every line and secrets redacted. */
export function createLoggerModule(options: LoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: options.level,
      base: { service: options.serviceName },
      genReqId: (req: IncomingMessage) => requestIdOf(req),
      customAttributeKeys: { reqId: 'requestId' },
      redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR },
      autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.includes(req.url ?? '') },
      serializers: {
        req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          headers: req.headers,
        }),
      },
    },
  });
}
