import { loadConfig } from '@casino/platform';
import { productionRefusalCases, unrefusedDevelopmentSecrets } from '@casino/platform/testing';
import { WorkerConfig } from './worker-config';

/** NODE_ENV=production with the settings every worker must set there: /metrics is never open, mailed links are signed with production's key under an https address. */
const IN_PRODUCTION = {
  NODE_ENV: 'production',
  METRICS_TOKEN: 'metrics-token-of-production',
  REPORT_EXPORT_LINK_SECRET: 'a-production-link-secret-of-at-least-32-chars',
  REPORT_EXPORT_PUBLIC_URL: 'https://casino.example.test',
};

/** A production start with its own value for every setting production refuses at its development default. */
const PRODUCTION = {
  ...IN_PRODUCTION,
  SMS_SENDER: 'http',
  SMS_GATEWAY_URL: 'https://sms.example.test/v1',
  SMS_GATEWAY_TOKEN: 'a-production-token',
};

describe('WorkerConfig: production refuses every development default (one rule, each setting)', () => {
  it('marks every secret with a development default', () => {
    expect(unrefusedDevelopmentSecrets(WorkerConfig)).toEqual([]);
  });

  it('boots production when every refused setting has its own value', () => {
    expect(loadConfig(WorkerConfig, PRODUCTION).isProduction).toBe(true);
  });

  it.each(productionRefusalCases(WorkerConfig, PRODUCTION))(
    'refuses the development $setting in production, naming it',
    ({ setting, settings }) => {
      expect(() => loadConfig(WorkerConfig, settings)).toThrow(
        new RegExp(`- ${setting}: ${setting} must be set to a non-development value in production`),
      );
    },
  );
});
