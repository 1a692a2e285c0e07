import { ConfigError, loadConfig } from '@casino/platform';
import { productionRefusalCases, unrefusedDevelopmentSecrets } from '@casino/platform/testing';
import { EtlBackfillConfig } from './etl-backfill-config';
import { WorkerConfig } from './worker-config';

/** A production start of the backfill with its own value for every setting production refuses at its default. */
const PRODUCTION = {
  NODE_ENV: 'production',
  METRICS_TOKEN: 'metrics-token-of-production',
  REPORT_EXPORT_LINK_SECRET: 'a-production-link-secret-of-at-least-32-chars',
  REPORT_EXPORT_PUBLIC_URL: 'https://casino.example.test',
  SMS_SENDER: 'http',
  SMS_GATEWAY_URL: 'https://sms.example.test/v1',
  SMS_GATEWAY_TOKEN: 'a-production-token',
  DATABASE_URL: 'postgres://etl_reader:a-production-password@db.internal:5432/casino',
};

function problemsOf(settings: Record<string, string>): string[] {
  try {
    loadConfig(EtlBackfillConfig, settings);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe('EtlBackfillConfig: worker-etl settings and the ledger database of etl:backfill', () => {
  it("reads nest-app's database by default in development", () => {
    expect(loadConfig(EtlBackfillConfig, {}).DATABASE_URL).toBe('postgres://casino:casino@127.0.0.1:5432/casino');
  });

  it.each([['mysql://db.internal/casino'], ['not a url']])('refuses DATABASE_URL=%p by name', (url) => {
    expect(problemsOf({ DATABASE_URL: url })).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
  });

  it('marks every secret with a development default, and boots production with values of its own', () => {
    expect(unrefusedDevelopmentSecrets(EtlBackfillConfig)).toEqual([]);
    expect(loadConfig(EtlBackfillConfig, PRODUCTION).DATABASE_URL).toBe(PRODUCTION.DATABASE_URL);
  });

  it.each(productionRefusalCases(EtlBackfillConfig, PRODUCTION))(
    'refuses the development $setting in production, naming it',
    ({ setting, settings }) => {
      expect(problemsOf(settings)).toContainEqual(
        expect.stringMatching(new RegExp(`^${setting}: ${setting} must be set to a non-development value`)),
      );
    },
  );

  it('leaves the worker itself without a database setting (only the backfill reads PostgreSQL)', () => {
    const { DATABASE_URL: _url, ...worker } = PRODUCTION;
    expect(loadConfig(WorkerConfig, worker)).not.toHaveProperty('DATABASE_URL');
  });
});
