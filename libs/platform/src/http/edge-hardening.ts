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
    // Hooks in callback style, here and below: they run on every request, and an async hook costs a promise and a
    // microtask turn each (measured in the gateway latency bench, docs/adr/0017).
    fastify.addHook('onRequest', (request, _reply, done) => {
      if (request.url !== '/metrics' && !request.url.startsWith('/metrics?')) return done();
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return done(new DomainError('UNAUTHENTICATED', 'The metrics endpoint needs its bearer token'));
      }
      done();
    });
  }
  fastify.addHook('preValidation', (request, _reply, done) => {
    done(hostileInputIn(request, options) ?? undefined);
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) {
      void reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });
}

/** The refusal of the first hostile value in the request's query, path or (unless a protocol owns it) body. */
function hostileInputIn(request: FastifyRequest, options: EdgeHardeningOptions): DomainError | null {
  const depth = options.maxInputDepth;
  for (const [part, value] of [
    ['query', request.query],
    ['path', request.params],
  ] as const) {
    const problem = hostileInputProblem(value, depth);
    if (problem) return hostileInputError(problem, part, depth);
  }
  if (options.ownsBodyProtocol?.(request) === true) return null;
  const problem = hostileInputProblem(request.body, depth);
  return problem ? hostileInputError(problem, 'body', depth) : null;
}
