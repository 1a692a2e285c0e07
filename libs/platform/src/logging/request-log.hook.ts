import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';

export interface RequestLogOptions {
  /** A request that took longer than this is logged as a warning (as is every 5xx answer). */
  slowMs: number;
  /** Route patterns that stay open by design (live-push streams): never "slow". */
  streamRoutes?: readonly string[];
  /** The logger to write with; nestjs-pino's root (pino-http's: same serializers and redaction) when unset. */
  logger?: Logger;
}

/** Probes are polled every few seconds; logging each would drown the log (as in createLoggerModule). */
function isProbe(method: string, url: string): boolean {
  return (
    (method === 'GET' || method === 'HEAD') &&
    (url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?'))
  );
}

/**
 * One line per answered request from a Fastify onResponse hook, for an app whose logger module is created with
 * `requestLogs: 'fastify-hook'`: the same line pino-http writes (`req` with the request id, method, URL with secret
 * query values blanked and redacted headers; `res`; `responseTime`; `requestId`), without Nest's middleware chain
 * and a child logger per request. Warn on 5xx and slow answers, info otherwise, so a warn-level log still sees them.
 */
export function logRequestsFromFastify(fastify: FastifyInstance, options: RequestLogOptions): void {
  const streamRoutes = new Set(options.streamRoutes ?? []);
  fastify.addHook('onResponse', (request, reply, done) => {
    const logger = options.logger ?? PinoLogger.root;
    const elapsed = reply.elapsedTime;
    const failed = reply.statusCode >= 500;
    const slow = elapsed > options.slowMs && !streamRoutes.has(request.routeOptions.url ?? '');
    const level = failed || slow ? 'warn' : 'info';
    if (logger.isLevelEnabled(level) && !isProbe(request.method, request.url)) {
      logger[level](
        { req: request.raw, res: reply.raw, responseTime: Math.round(elapsed), requestId: request.id },
        failed ? 'request errored' : slow ? 'request completed slowly' : 'request completed',
      );
    }
    done();
  });
}
