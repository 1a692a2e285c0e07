import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { AppConfig } from '../../config/app-config';

export const BACKOFFICE_PATH = '/backoffice/';

/** The repository root, from this file in src/ (tests) or dist/ (the built app): both are five folders below it. */
const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..', '..', '..');

/**
 * The back-office policy: its own scripts and styles (MUI puts styles inline), QR codes as data URLs, the API on
 * the same origin, never framed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function backofficeDirectory(config: AppConfig): string {
  const dir = config.BACKOFFICE_DIST_DIR;
  return isAbsolute(dir) ? dir : resolve(REPOSITORY_ROOT, dir);
}

/**
 * Serves the built back office (frontend/backoffice, ADR 0019) at /backoffice/ when BACKOFFICE_ENABLED. A missing
 * build is not a boot failure (the API does not need it): /backoffice/ then answers 503 naming the fix.
 */
export function serveBackoffice(app: NestFastifyApplication, config: AppConfig): void {
  if (!config.BACKOFFICE_ENABLED) return;
  const root = backofficeDirectory(config);
  const instance = app.getHttpAdapter().getInstance();
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Backoffice').warn(`${root}/index.html is missing: run npm run build -w frontend/backoffice`);
    const notBuilt = (request: { id: string }, reply: FastifyReply): void => {
      void reply.status(503).send({
        error: { code: 'SERVICE_UNAVAILABLE', message: 'The back office is not built on this server' },
        requestId: request.id,
      });
    };
    instance.get('/backoffice', notBuilt);
    instance.get('/backoffice/*', notBuilt);
    return;
  }
  instance.get('/backoffice', (_request, reply) => reply.redirect(BACKOFFICE_PATH, 301));
  void app.register(fastifyStatic, {
    root,
    prefix: BACKOFFICE_PATH,
    redirect: true,
    decorateReply: false,
    setHeaders: (reply, path) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      // Vite names every asset by its content hash; index.html must be asked again to find the new ones.
      reply.header('cache-control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}
