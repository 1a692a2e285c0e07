import replyFrom from '@fastify/reply-from';
import { toErrorResponse } from '@casino/platform';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import { sendApiError } from '../../common/api-error';
import { upstreamRetries } from '../../common/gateway-metrics';
import type { GatewayConfig } from '../../config/gateway-config';
import { forwardedHeaders } from './forwarded-headers';
import { classifyUpstreamFailure, isIdempotentRead, wasNeverSent } from './upstream-errors';
import type { Upstream, UpstreamPool } from './upstream-pool';

/** What the gateway passes on: the API, its documentation and the back office. */
export const PROXIED_ROUTES = [
  '/api/*',
  '/docs',
  '/docs/*',
  '/docs-json',
  '/backoffice',
  '/backoffice/*',
  // The read-only queue board (ADR 0027): nest-app checks its ticket cookie.
  '/admin/queues',
  '/admin/queues/*',
];

export interface UpstreamProxyOptions {
  pool: UpstreamPool;
  config: GatewayConfig;
  /** Edge checks run, in order, before a body is read (token verification, rate limits). */
  edgeChecks: onRequestHookHandler[];
}

/** Keep-alive pools, one per instance origin, under one agent (TLS verified, unlike reply-from's own default). */
export function createUpstreamAgent(config: GatewayConfig): Agent {
  return new Agent({
    connections: config.GATEWAY_UPSTREAM_CONNECTIONS,
    pipelining: 1,
    keepAliveTimeout: 4_000,
    connectTimeout: config.GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS,
    headersTimeout: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
    bodyTimeout: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
  });
}

/**
 * The proxied routes, in their own Fastify context: bodies are read as bytes (never parsed, so signatures over the
 * raw body still verify at nest-app), up to GATEWAY_BODY_LIMIT_BYTES, and passed on unchanged.
 */
export async function registerUpstreamProxy(fastify: FastifyInstance, options: UpstreamProxyOptions): Promise<void> {
  const { pool, config } = options;
  const logger = new Logger('UpstreamProxy');
  const agent = createUpstreamAgent(config);

  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: config.GATEWAY_BODY_LIMIT_BYTES },
      (_request, body, done) => done(null, body),
    );
    await scope.register(replyFrom, { undici: agent, disableRequestLogging: true, disableCache: true });
    scope.addHook('onClose', async () => agent.close());
    for (const check of options.edgeChecks) scope.addHook('onRequest', check);
    scope.setErrorHandler((error, request, reply) => {
      const response = toErrorResponse(error, true);
      if (response.unexpected || response.dependency) {
        logger.error({ err: error, requestId: request.id }, 'Unexpected error at the edge');
      }
      const body = { error: { code: response.code, message: response.message }, requestId: request.id };
      return reply.status(response.status).send(body);
    });

    const forward = (
      request: FastifyRequest,
      reply: FastifyReply,
      upstream: Upstream,
      retried: boolean,
      bytes: unknown,
    ): void => {
      // The body as read, kept as bytes: a stream is used up by one attempt, and a retry sends the same bytes again.
      if (Buffer.isBuffer(bytes)) request.body = Readable.from([bytes]);
      reply.from(request.url, {
        getUpstream: () => upstream.origin,
        rewriteRequestHeaders: (_original, headers) => forwardedHeaders(request, headers),
        onError: (_failed, { error }) => {
          const failure = classifyUpstreamFailure(error);
          if (failure === 'connection') {
            pool.eject(upstream, classifyReason(error));
            const retryable = isIdempotentRead(request.method) || wasNeverSent(error);
            const other = !retried && retryable ? pool.pick(upstream) : undefined;
            if (other) {
              upstreamRetries.inc({ upstream: other.origin });
              forward(request, reply, other, true, bytes);
              return;
            }
          }
          if (failure === 'timeout') {
            void sendApiError(request, reply, 'UPSTREAM_TIMEOUT', 'The API instance did not answer in time');
            return;
          }
          void sendApiError(request, reply, 'UPSTREAM_FAILED', 'The API instance could not complete the request');
        },
      });
    };

    const handler = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
      const upstream = pool.pick();
      if (!upstream) return sendApiError(request, reply, 'UPSTREAM_UNAVAILABLE', 'No API instance is available');
      forward(request, reply, upstream, false, request.body);
      return reply;
    };
    for (const url of PROXIED_ROUTES) scope.all(url, handler);
  });
}

function classifyReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.message : 'unknown';
}
