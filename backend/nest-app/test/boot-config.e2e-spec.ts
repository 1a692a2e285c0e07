import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The compiled apps, started the way `npm start` starts them, with one malformed setting each. */
const APPS = [
  { name: 'nest-app', entry: 'backend/nest-app/dist/main.js', setting: 'API_PORT' },
  { name: 'worker-etl', entry: 'backend/worker-etl/dist/main.js', setting: 'WORKER_PORT' },
  { name: 'gateway', entry: 'backend/gateway/dist/main.js', setting: 'GATEWAY_PORT' },
];
const ROOT = join(__dirname, '..', '..', '..');

describe('boot with a malformed setting (compiled apps)', () => {
  it.each(APPS)('$name stops at boot naming $setting', ({ entry, setting }) => {
    const script = join(ROOT, entry);
    expect(existsSync(script)).toBe(true); // npm test builds before it tests
    const result = spawnSync(process.execPath, [script], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], [setting]: 'not-a-port', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(new RegExp(`- ${setting}: .*${setting} must be an integer number`));
    expect(result.stderr).not.toContain('not-a-port');
  });

  it('worker-etl refuses the SMS gateway without a token in production', () => {
    const result = spawnSync(process.execPath, [join(ROOT, APPS[1]!.entry)], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'],
        NODE_ENV: 'production',
        SMS_SENDER: 'http',
        SMS_GATEWAY_URL: 'https://sms.example.test/v1',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /- SMS_GATEWAY_TOKEN: SMS_GATEWAY_TOKEN must be set in production with SMS_SENDER=http/,
    );
  });

  it('worker-etl refuses a plain-http SMS gateway URL in production, naming SMS_GATEWAY_URL', () => {
    const result = spawnSync(process.execPath, [join(ROOT, APPS[1]!.entry)], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'],
        NODE_ENV: 'production',
        SMS_SENDER: 'http',
        SMS_GATEWAY_URL: 'http://sms.example.test/v1',
        SMS_GATEWAY_TOKEN: 'boot-test-token',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/- SMS_GATEWAY_URL: SMS_GATEWAY_URL must be an https URL in production/);
    expect(result.stderr).not.toContain('boot-test-token');
  });

  it('names every bad setting at once', () => {
    const result = spawnSync(process.execPath, [join(ROOT, APPS[0]!.entry)], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], API_PORT: '70000', NODE_ENV: 'staging', REDIS_URL: 'nope' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    for (const setting of ['API_PORT', 'NODE_ENV', 'REDIS_URL']) {
      expect(result.stderr).toContain(`- ${setting}: `);
    }
  });

  it.each(APPS)(
    '$name refuses a malformed NATS_URL by name, printing neither its password nor a URL with one',
    ({ entry }) => {
      const result = spawnSync(process.execPath, [join(ROOT, entry)], {
        cwd: ROOT,
        env: {
          PATH: process.env['PATH'],
          NATS_URL: 'nats://casino:nats-boot-secret@127.0.0.1:4222:1',
          SMTP_URL: 'smtp://mailer:smtp-boot-secret@127.0.0.1:1025',
          DATABASE_URL: 'postgres://casino:db-boot-secret@127.0.0.1:5432/casino',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/- NATS_URL: NATS_URL must be a comma-separated list of nats:\/\//);
      for (const secret of ['nats-boot-secret', 'smtp-boot-secret', 'db-boot-secret']) {
        expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
      }
    },
  );
  it.each([
    { app: APPS[0]!, setting: 'API_TRUSTED_PROXIES', value: 'true' },
    { app: APPS[0]!, setting: 'API_TRUSTED_PROXIES', value: '10.0.0.0/8,gateway.internal' },
    { app: APPS[2]!, setting: 'GATEWAY_TRUSTED_PROXIES', value: '10.0.0.0/33' },
  ])('$app.name refuses $setting=$value naming the setting', ({ app, setting, value }) => {
    const result = spawnSync(process.execPath, [join(ROOT, app.entry)], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], [setting]: value, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`- ${setting}: ${setting} must be a comma-separated list of IP addresses or CIDRs`),
    );
  });

  it('nest-app refuses to start in production with the dev SMS inbox enabled, naming DEV_SMS_INBOX_ENABLED', () => {
    const result = spawnSync(process.execPath, [join(ROOT, APPS[0]!.entry)], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], NODE_ENV: 'production', DEV_SMS_INBOX_ENABLED: 'true', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/- DEV_SMS_INBOX_ENABLED: DEV_SMS_INBOX_ENABLED must not be enabled in production/);
  });

  it('nest-app refuses API_TRUST_PROXY=true, pointing to API_TRUSTED_PROXIES', () => {
    const result = spawnSync(process.execPath, [join(ROOT, APPS[0]!.entry)], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], API_TRUST_PROXY: 'true', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/- API_TRUST_PROXY: API_TRUST_PROXY was replaced by API_TRUSTED_PROXIES/);
  });
  it('nest-app refuses to start in production with the development KYC webhook secret (a forgeable KYC)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, APPS[0]!.entry)], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'],
        NODE_ENV: 'production',
        JWT_SECRET: 'p'.repeat(48),
        TOTP_ENCRYPTION_KEY: 'q'.repeat(64),
        PROVIDER_CREDENTIALS_KEY: 'r'.repeat(64),
        DATABASE_URL: 'postgres://casino:a-production-password@127.0.0.1:5432/casino',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /- KYC_WEBHOOK_SECRET: KYC_WEBHOOK_SECRET must be set to a non-development value in production/,
    );
    expect(result.stderr).not.toMatch(/- (JWT_SECRET|TOTP_ENCRYPTION_KEY|PROVIDER_CREDENTIALS_KEY|DATABASE_URL): /);
  });

  it.each(APPS)('$name refuses a per-player Loki label, naming LOKI_LABELS', ({ entry }) => {
    const result = spawnSync(process.execPath, [join(ROOT, entry)], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], LOKI_LABELS: 'team=casino,player_id=p1', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/- LOKI_LABELS: LOKI_LABELS must be name=value pairs/);
  });
});
