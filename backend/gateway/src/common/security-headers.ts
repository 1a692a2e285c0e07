import cors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayConfig } from '../config/gateway-config';

/** The API answers JSON only: nothing of it may load anything or be framed. */
const API_POLICY = { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] };

/** Swagger UI (served by nest-app at /docs) runs its own scripts and inline styles from the same origin. */
const DOCS_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: API_POLICY },
  frameguard: { action: 'deny' },
  hsts: { maxAge: 31_536_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
};

/**
 * The headers helmet sets for these options, computed once: they depend on nothing in the request, and
 * @fastify/helmet builds (and validates) the whole helmet middleware again on every request.
 */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
  });
  return Object.freeze(headers);
}

/**
 * Security headers on every answer (the gateway's own and the instances', which may set a stricter policy of their
 * own, as the back office does: reply-from's copy of their headers replaces these), and CORS for the configured web
 * app origins only.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const headers = helmetHeaders(HELMET_OPTIONS);
  const names = Object.keys(headers);
  fastify.addHook('onRequest', (request, reply, done) => {
    for (const name of names) reply.header(name, headers[name]);
    if (request.url === '/docs' || request.url.startsWith('/docs/'))
      reply.header('content-security-policy', DOCS_POLICY);
    done();
  });
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      credentials: false,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy'],
      maxAge: 600,
    });
  }
}
