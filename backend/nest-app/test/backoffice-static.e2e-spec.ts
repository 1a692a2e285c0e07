import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { backofficeDirectory } from '../src/common/http/backoffice-static';
import { loadAppConfig } from '../src/config/load-app-config';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

/** nest-app serving the built back office at /backoffice/ (ADR 0019), from a stand-in build folder. */
describe('back office static files (e2e)', () => {
  let environment: TestEnvironment;
  let build: string;

  beforeAll(async () => {
    environment = await createTestEnvironment('backoffice_static');
    build = mkdtempSync(join(tmpdir(), 'backoffice-build-'));
    mkdirSync(join(build, 'assets'));
    writeFileSync(join(build, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(build, 'assets', 'index-abc123.js'), 'console.log(1)');
  });

  afterAll(async () => {
    rmSync(build, { recursive: true, force: true });
    await environment?.dispose();
  });

  async function withApp(settings: Record<string, string>, run: (app: NestFastifyApplication) => Promise<void>) {
    const app = await startTestApp(loadAppConfig({ ...environment.overrides, ...settings }));
    try {
      await run(app);
    } finally {
      await app.close();
    }
  }

  it('serves index.html (never cached, with its CSP) and hashed assets (cached for good)', async () => {
    await withApp({ BACKOFFICE_DIST_DIR: build }, async (app) => {
      const bare = await app.inject({ method: 'GET', url: '/backoffice' });
      expect(bare.statusCode).toBeGreaterThanOrEqual(301);
      expect(bare.statusCode).toBeLessThanOrEqual(308);
      expect(bare.headers.location).toBe('/backoffice/');

      const page = await app.inject({ method: 'GET', url: '/backoffice/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('<div id="root">');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");

      const asset = await app.inject({ method: 'GET', url: '/backoffice/assets/index-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    });
  });

  it('serves nothing outside the build folder and leaves the API where it was', async () => {
    await withApp({ BACKOFFICE_DIST_DIR: build }, async (app) => {
      const escape = await app.inject({ method: 'GET', url: '/backoffice/..%2f..%2fpackage.json' });
      expect(escape.statusCode).toBe(404);
      const missing = await app.inject({ method: 'GET', url: '/backoffice/assets/none.js' });
      expect(missing.statusCode).toBe(404);
      const api = await app.inject({ method: 'GET', url: '/health/live' });
      expect(api.statusCode).toBe(200);
    });
  });

  it('answers 503 SERVICE_UNAVAILABLE, and still boots, when the back office was not built', async () => {
    await withApp({ BACKOFFICE_DIST_DIR: join(build, 'not-built') }, async (app) => {
      for (const url of ['/backoffice', '/backoffice/', '/backoffice/assets/index.js']) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
      }
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    });
  });

  it('serves nothing at /backoffice when BACKOFFICE_ENABLED is false', async () => {
    await withApp({ BACKOFFICE_DIST_DIR: build, BACKOFFICE_ENABLED: 'false' }, async (app) => {
      expect((await app.inject({ method: 'GET', url: '/backoffice/' })).statusCode).toBe(404);
    });
  });

  it('is on by default and finds the build folder from the repository root', () => {
    const config = loadAppConfig({});
    expect(config.BACKOFFICE_ENABLED).toBe(true);
    expect(backofficeDirectory(config)).toBe(resolve(__dirname, '../../../frontend/backoffice/dist'));
    expect(backofficeDirectory(loadAppConfig({ BACKOFFICE_DIST_DIR: build }))).toBe(build);
  });
});
