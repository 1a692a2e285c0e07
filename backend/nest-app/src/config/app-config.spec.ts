import { ConfigError } from '@casino/platform';
import { productionRefusalCases, unrefusedDevelopmentSecrets } from '@casino/platform/testing';
import { PaymentProviders } from '../modules/payment/psp/payment-providers';
import { AppConfig } from './app-config';
import { loadAppConfig } from './load-app-config';

describe('AppConfig', () => {
  it('boots with the development defaults', () => {
    const config = loadAppConfig({ API_PORT: '3000' });
    expect(config.API_PORT).toBe(3000);
    expect(config.DATABASE_URL).toMatch(/^postgres:\/\//);
  });

  it.each([
    ['API_PORT', 'abc'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'not a url'],
    ['NATS_SUBJECT_PREFIX', 'has.dots'],
    ['CLICKHOUSE_DATABASE', 'x; DROP'],
    ['MIGRATIONS_RUN_ON_START', 'perhaps'],
    ['PAYMENT_DEPOSIT_OPEN_TTL_SECONDS', '10'],
    ['PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS', '-1'],
    ['PAYMENT_WITHDRAWAL_CREATION_TTL_SECONDS', '10'],
    ['PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS', '-1'],
    ['PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS', '3601'],
    ['PAYMENT_PROVIDER_RECORD_MISSING_LIMIT', '-1'],
    ['PAYMENT_PROVIDER_RECORD_MISSING_LIMIT', '1001'],
    ['PAYMENT_RECONCILIATION_BATCH_SIZE', '0'],
    ['PAYMENT_RECONCILIATION_BATCH_SIZE', '10001'],
    ['PAYMENT_PROVIDER_UNREACHABLE_LIMIT', '0'],
    ['PAYMENT_PROVIDER_UNREACHABLE_LIMIT', 'five'],
    ['REPORT_GAMING_TAX_RATES', 'GB:21%'],
    ['REPORT_GAMING_TAX_RATES', "GB:2100,DE'"],
    ['REPORT_GAMING_TAX_RATES', 'GB:12345'],
    ['REPORT_CACHE_REDIS_URL', 'http://127.0.0.1:6379'],
    ['REPORT_CACHE_OPEN_TTL_SECONDS', '-1'],
    ['REPORT_CACHE_TIMEOUT_MS', '0'],
    ['REPORT_QUERY_TIMEOUT_SECONDS', '0'],
    ['STAFF_SIGNIN_MAX_FAILURES', '0'],
    ['STAFF_SIGNIN_MAX_FAILURES', 'five'],
    ['STAFF_SIGNIN_LOCKOUT_SECONDS', '10'],
    ['STAFF_SIGNIN_FAILURE_WINDOW_SECONDS', '86401'],
  ])('refuses a malformed %s (%s) by name', (name, value) => {
    expect(() => loadAppConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadAppConfig({ [name]: value })).toThrow(new RegExp(`- ${name}: `));
  });

  it('reads the gaming tax rates per country, none by default', () => {
    expect(loadAppConfig({}).gamingTaxRates.size).toBe(0);
    expect([...loadAppConfig({ REPORT_GAMING_TAX_RATES: 'GB:2100,MT:500' }).gamingTaxRates]).toEqual([
      ['GB', 2100n],
      ['MT', 500n],
    ]);
  });

  it('sets the withdrawal expiry interval apart from the deposit expiry interval', () => {
    expect(loadAppConfig({}).PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS).toBe(60);
    const config = loadAppConfig({
      PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS: '30',
      PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS: '0',
    });
    expect(config.PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS).toBe(30);
    expect(config.PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS).toBe(0);
  });

  /** A production start with its own value for every setting production refuses at its development default. */
  const PRODUCTION_SECRETS = {
    NODE_ENV: 'production',
    METRICS_TOKEN: 'metrics-token-of-production',
    JWT_SECRET: 'p'.repeat(48),
    TOTP_ENCRYPTION_KEY: 'q'.repeat(64),
    PROVIDER_CREDENTIALS_KEY: 'r'.repeat(64),
    KYC_WEBHOOK_SECRET: 's'.repeat(48),
    REPORT_EXPORT_LINK_SECRET: 't'.repeat(48),
    DATABASE_URL: 'postgres://casino:a-production-password@db.internal:5432/casino',
  };

  it('never migrates on start in production', () => {
    expect(loadAppConfig({ ...PRODUCTION_SECRETS, MIGRATIONS_RUN_ON_START: 'true' }).migrateOnStart).toBe(false);
    expect(loadAppConfig({ NODE_ENV: 'development' }).migrateOnStart).toBe(true);
  });

  describe('production refuses every development default (one rule, each secret)', () => {
    /** Secret-looking settings with a development default that production never uses, and why. */
    const UNUSED_IN_PRODUCTION = {
      SANDBOX_PSP_API_KEY: 'the sandbox PSP is never registered in production (PaymentProviders)',
      SANDBOX_PSP_WEBHOOK_SECRET: 'the sandbox PSP is never registered in production (PaymentProviders)',
    };

    it('marks every secret with a development default (a new one without the rule fails here)', () => {
      expect(unrefusedDevelopmentSecrets(AppConfig, UNUSED_IN_PRODUCTION)).toEqual([]);
    });

    it('boots production when every refused setting has its own value', () => {
      expect(loadAppConfig(PRODUCTION_SECRETS).isProduction).toBe(true);
    });

    it('offers no sandbox PSP in production, so its development secrets cannot be used there', () => {
      const names = new PaymentProviders(loadAppConfig(PRODUCTION_SECRETS)).all().map((provider) => provider.name);
      expect(names).not.toContain('sandbox');
      expect(new PaymentProviders(loadAppConfig({})).all().map((provider) => provider.name)).toContain('sandbox');
    });

    it.each(productionRefusalCases(AppConfig, PRODUCTION_SECRETS))(
      'refuses the development $setting in production, naming it',
      ({ setting, settings }) => {
        expect(() => loadAppConfig(settings)).toThrow(
          new RegExp(`- ${setting}: ${setting} must be set to a non-development value in production`),
        );
      },
    );

    it('covers the KYC webhook secret: a published default would let a player sign their own verified KYC', () => {
      expect(productionRefusalCases(AppConfig, PRODUCTION_SECRETS).map((row) => row.setting)).toEqual(
        expect.arrayContaining(['KYC_WEBHOOK_SECRET', 'JWT_SECRET', 'TOTP_ENCRYPTION_KEY', 'PROVIDER_CREDENTIALS_KEY']),
      );
    });
  });

  it('mounts the dev SMS inbox in development only, unless set on outside production', () => {
    expect(loadAppConfig({ NODE_ENV: 'development' }).devSmsInboxEnabled).toBe(true);
    expect(loadAppConfig({ NODE_ENV: 'development', DEV_SMS_INBOX_ENABLED: 'false' }).devSmsInboxEnabled).toBe(false);
    expect(loadAppConfig({ NODE_ENV: 'test' }).devSmsInboxEnabled).toBe(false);
    expect(loadAppConfig({ NODE_ENV: 'test', DEV_SMS_INBOX_ENABLED: 'true' }).devSmsInboxEnabled).toBe(true);
    expect(loadAppConfig(PRODUCTION_SECRETS).devSmsInboxEnabled).toBe(false);
    expect(loadAppConfig({ ...PRODUCTION_SECRETS, DEV_SMS_INBOX_ENABLED: 'false' }).devSmsInboxEnabled).toBe(false);
  });

  it('refuses to run production with the dev SMS inbox enabled, naming the setting', () => {
    expect(() => loadAppConfig({ ...PRODUCTION_SECRETS, DEV_SMS_INBOX_ENABLED: 'true' })).toThrow(
      /- DEV_SMS_INBOX_ENABLED: DEV_SMS_INBOX_ENABLED must not be enabled in production/,
    );
  });

  it('serves the OpenAPI page outside production only, and refuses it switched on in production', () => {
    expect(loadAppConfig({ NODE_ENV: 'development' }).apiDocsEnabled).toBe(true);
    expect(loadAppConfig({ NODE_ENV: 'test', API_DOCS_ENABLED: 'false' }).apiDocsEnabled).toBe(false);
    expect(loadAppConfig(PRODUCTION_SECRETS).apiDocsEnabled).toBe(false);
    expect(() => loadAppConfig({ ...PRODUCTION_SECRETS, API_DOCS_ENABLED: 'true' })).toThrow(
      /- API_DOCS_ENABLED: API_DOCS_ENABLED must not be enabled in production/,
    );
  });

  it('refuses production without a metrics token (an open /metrics names routes, queues and figures)', () => {
    const { METRICS_TOKEN: _token, ...withoutToken } = PRODUCTION_SECRETS;
    expect(() => loadAppConfig(withoutToken)).toThrow(/- METRICS_TOKEN: METRICS_TOKEN must be set in production/);
    expect(() => loadAppConfig({ ...PRODUCTION_SECRETS, METRICS_TOKEN: 'has space' })).toThrow(/- METRICS_TOKEN: /);
    expect(loadAppConfig({ NODE_ENV: 'development' }).METRICS_TOKEN).toBeUndefined();
  });

  it('bounds the nesting depth of request values', () => {
    expect(loadAppConfig({}).API_MAX_JSON_DEPTH).toBe(32);
    expect(() => loadAppConfig({ API_MAX_JSON_DEPTH: '100000' })).toThrow(/- API_MAX_JSON_DEPTH: /);
  });

  it('locks a staff account after 5 wrong sign-in codes for 15 minutes by default', () => {
    const config = loadAppConfig({});
    expect([config.STAFF_SIGNIN_MAX_FAILURES, config.STAFF_SIGNIN_LOCKOUT_SECONDS]).toEqual([5, 900]);
    expect(config.STAFF_SIGNIN_FAILURE_WINDOW_SECONDS).toBe(900);
  });
});
