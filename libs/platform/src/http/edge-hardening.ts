import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '@casino/contracts';
import { hostileInputError, hostileInputProblem } from './hostile-input';

export interface EdgeHardeningOptions {
  /** Nesting allowed in a query, path or body value (API_MAX_JSON_DEPTH). */
  maxInputDepth: number;
  /**
   * Routes whose body belongs to another party's protocol (a game provider's signed wallet call): their body is
   * checked by that protocol's adapter, which answers in its own terms; query and path are still checked here.
   */
  ownsBodyProtocol?: (request: FastifyRequest) => boolean;
  /** When set, `GET /metrics` answers only `Authorization: Bearer <token>` (METRICS_TOKEN). */
  metricsToken?: string;
  /** `false`: the app sets its own security headers (the gateway: per route, around the instances' own). */
  securityHeaders?: boolean;
}

/**
 * One policy for the pages a browser renders (the OpenAPI page, the back office) and the JSON answers: scripts and
 * styles from this origin only (the back office's component library injects style elements, hence inline styles),
 * never framed, no plugins.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
  },
};

/**
 * The HTTP edge every app shares: security headers on every answer, `Cache-Control: no-store` on API answers
 * (personal and wallet data must not sit in a shared or browser cache), hostile values refused before any guard or
 * handler sees them, and the metrics endpoint behind its token when one is configured.
 */
export async function hardenEdge(app: NestFastifyApplication, options: EdgeHardeningOptions): Promise<void> {
  if (options.securityHeaders !== false) {
    await app.register(helmet, {
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    });
  }
  const fastify = app.getHttpAdapter().getInstance();
  if (options.metricsToken !== undefined) {
    const expected = Buffer.from(`Bearer ${options.metricsToken}`);
    fastify.addHook('onRequest', async (request) => {
      if (request.url !== '/metrics' && !request.url.startsWith('/metrics?')) return;
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new DomainError('UNAUTHENTICATED', 'The metrics endpoint needs its bearer token');
      }
    });
  }
  fastify.addHook('preValidation', async (request) => {
    const depth = options.maxInputDepth;
    for (const [part, value] of [
      ['query', request.query],
      ['path', request.params],
    ] as const) {
      const problem = hostileInputProblem(value, depth);
      if (problem) throw hostileInputError(problem, part, depth);
    }
    if (options.ownsBodyProtocol?.(request) === true) return;
    const problem = hostileInputProblem(request.body, depth);
    if (problem) throw hostileInputError(problem, 'body', depth);
  });
  fastify.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) {
      void reply.header('cache-control', 'no-store');
    }
  });
}
