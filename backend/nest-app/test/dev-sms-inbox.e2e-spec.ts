import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../src/config/app-config';
import { loadAppConfig } from '../src/config/load-app-config';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

/** Secrets production insists on (its own, not the development defaults). */
const PRODUCTION_SETTINGS = {
  NODE_ENV: 'production',
  METRICS_TOKEN: 'metrics-token-of-production',
  JWT_SECRET: 'p'.repeat(48),
  TOTP_ENCRYPTION_KEY: 'q'.repeat(64),
  PROVIDER_CREDENTIALS_KEY: 'r'.repeat(64),
  KYC_WEBHOOK_SECRET: 's'.repeat(32),
  REPORT_EXPORT_LINK_SECRET: 't'.repeat(32),
};

const INBOX = '/api/v1/dev/sms-inbox';

/**
 * The dev SMS inbox answers without sign-in with every code the development sink kept: it exists in development
 * only (or where a test suite asks for it), never in production.
 */
describe('dev SMS inbox: development only (e2e)', () => {
  let environment: TestEnvironment;
  /** The `test` environment's app as every suite starts it (it also migrates the database production reuses). */
  let app: NestFastifyApplication;

  beforeAll(async () => {
    environment = await createTestEnvironment('devsmsinbox');
    app = await startTestApp(environment.config);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  async function inboxAnswer(target: NestFastifyApplication): Promise<{ status: number; code?: string }> {
    const response = await target.inject({ method: 'GET', url: INBOX });
    const body = response.json<{ error?: { code: string } } | unknown[]>();
    return { status: response.statusCode, code: Array.isArray(body) ? undefined : body.error?.code };
  }

  async function answerOfFreshApp(config: AppConfig): Promise<{ status: number; code?: string }> {
    const fresh = await startTestApp(config);
    try {
      return await inboxAnswer(fresh);
    } finally {
      await fresh.close();
    }
  }

  it('is not a route in the test environment unless a suite asks for it', async () => {
    expect(await inboxAnswer(app)).toEqual({ status: 404, code: 'ROUTE_NOT_FOUND' });
    const asked = loadAppConfig({ ...environment.overrides, DEV_SMS_INBOX_ENABLED: 'true' });
    expect(await answerOfFreshApp(asked)).toEqual({ status: 200, code: undefined });
  });

  it('is not a route in production', async () => {
    // Production does not migrate on start: it runs on the database the test app migrated.
    const production = loadAppConfig({ ...environment.overrides, ...PRODUCTION_SETTINGS });
    expect(production.devSmsInboxEnabled).toBe(false);
    expect(await answerOfFreshApp(production)).toEqual({ status: 404, code: 'ROUTE_NOT_FOUND' });
  });
});
