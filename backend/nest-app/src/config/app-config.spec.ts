import { ConfigError } from '@casino/platform';
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
  ])('refuses a malformed %s (%s) by name', (name, value) => {
    expect(() => loadAppConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadAppConfig({ [name]: value })).toThrow(new RegExp(`- ${name}: `));
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

  const PRODUCTION_SECRETS = {
    NODE_ENV: 'production',
    JWT_SECRET: 'p'.repeat(48),
    TOTP_ENCRYPTION_KEY: 'q'.repeat(64),
    PROVIDER_CREDENTIALS_KEY: 'r'.repeat(64),
  };

  it('never migrates on start in production', () => {
    expect(loadAppConfig({ ...PRODUCTION_SECRETS, MIGRATIONS_RUN_ON_START: 'true' }).migrateOnStart).toBe(false);
    expect(loadAppConfig({ NODE_ENV: 'development' }).migrateOnStart).toBe(true);
  });

  it('refuses to run production with a development secret', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(/- JWT_SECRET: /);
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
});
