import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { Draining } from '../health/draining';
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
  /**
   * On SIGTERM, answer `/health/ready` with 503 at once (see `Draining`) and go on serving for this long, so that
   * the gateway's health checks take the instance out of rotation, then close: the server stops accepting
   * connections, requests in flight finish, and the process exits. Unset: close at once on SIGTERM.
   */
  drainMs?: number;
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
  if (options.drainMs === undefined) app.enableShutdownHooks();
  else drainOnSigterm(app, options.drainMs);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.get(HttpMetrics).attach(fastify);
  await hardenEdge(app, { maxInputDepth: DEFAULT_MAX_INPUT_DEPTH, ...options.edge });
  return app;
}

function drainOnSigterm(app: NestFastifyApplication, drainMs: number): void {
  app.enableShutdownHooks(['SIGINT']);
  process.once('SIGTERM', () => {
    app.get(Draining, { strict: false }).start();
    app.get(Logger).log({ drainMs }, 'SIGTERM: draining, then closing');
    setTimeout(() => {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }, drainMs);
  });
}

export type { INestApplication };
