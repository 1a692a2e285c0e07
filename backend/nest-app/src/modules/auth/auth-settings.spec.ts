import { ConfigError } from '@casino/platform';
import { loadAppConfig } from '../../config/load-app-config';

describe('auth settings', () => {
  const productionSecrets = {
    NODE_ENV: 'production',
    METRICS_TOKEN: 'metrics-token-of-production',
    JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
    TOTP_ENCRYPTION_KEY: 'another-production-key-of-32-characters-or-more',
  };

  it('has the documented defaults', () => {
    const config = loadAppConfig({ NODE_ENV: 'development' });
    expect(config).toMatchObject({
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_SECONDS: 2_592_000,
      ADMIN_EMAIL: 'admin@example.test',
      TELEGRAM_AUTH_MAX_AGE_SECONDS: 86_400,
    });
    expect(config.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses a JWT secret shorter than 32 characters', () => {
    expect(() => loadAppConfig({ JWT_SECRET: 'short' })).toThrow(/- JWT_SECRET: /);
  });

  it.each(['JWT_SECRET', 'TOTP_ENCRYPTION_KEY'])('refuses the development %s in production', (name) => {
    const { [name as keyof typeof productionSecrets]: _omitted, ...rest } = productionSecrets;
    expect(() => loadAppConfig(rest)).toThrow(ConfigError);
    expect(() => loadAppConfig(rest)).toThrow(new RegExp(`- ${name}: .*non-development value in production`));
  });

  it('accepts production auth settings with their own secrets (other modules’ settings aside)', () => {
    let problems: string[] = [];
    try {
      loadAppConfig(productionSecrets);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems.filter((problem) => /^(JWT_SECRET|TOTP_ENCRYPTION_KEY):/.test(problem))).toEqual([]);
  });
});
