import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { HttpMetrics } from '../metrics/http-metrics';
import type { IncomingMessage } from 'node:http';
import { clientErrorHandler, frameworkErrorHandler } from './edge-errors';
import { hardenEdge, type EdgeHardeningOptions } from './edge-hardening';
import { DEFAULT_MAX_INPUT_DEPTH } from './hostile-input';
import { requestIdOf } from './request-id';

export interface FastifyAppOptions {
  bodyLimitBytes?: number;
  /**
   * Addresses or CIDRs of the proxies whose `X-Forwarded-For` is believed (see `TrustedProxies`): the
   * client IP is then the right-most entry not from one of them. Empty or unset: none, the peer's address.
   */
  trustedProxies?: readonly string[];
  /** Keep each request's raw body bytes (for signature checks over exactly what was sent). */
  rawBody?: boolean;
  /** Security headers, hostile-input refusal, metrics token: see `hardenEdge`. */
  edge?: Partial<EdgeHardeningOptions>;
}

/** A Nest app on Fastify with the platform's request ids, pino logger, HTTP metrics and hardened edge. */
export async function createFastifyApp(
  rootModule: Type<unknown> | DynamicModule,
  options: FastifyAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    genReqId: (raw: IncomingMessage) => requestIdOf(raw),
    bodyLimit: options.bodyLimitBytes ?? 1_048_576,
    trustProxy: options.trustedProxies?.length ? [...options.trustedProxies] : false,
    logger: false,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    rawBody: options.rawBody ?? false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.get(HttpMetrics).attach(fastify);
  await hardenEdge(app, { maxInputDepth: DEFAULT_MAX_INPUT_DEPTH, ...options.edge });
  return app;
}

export type { INestApplication };
