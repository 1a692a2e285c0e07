import { loadConfig } from '@casino/platform';
import { unrefusedDevelopmentSecrets } from '@casino/platform/testing';
import { GatewayConfig } from './gateway-config';

/** NODE_ENV=production with the settings every app must set there (METRICS_TOKEN: /metrics is never open). */
const IN_PRODUCTION = { NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-of-production' };

describe('GatewayConfig: production refuses every development default', () => {
  it('marks every secret with a development default (a new one without the rule fails here)', () => {
    expect(unrefusedDevelopmentSecrets(GatewayConfig)).toEqual([]);
  });

  it('boots production with no development secret to refuse', () => {
    expect(loadConfig(GatewayConfig, { ...IN_PRODUCTION }).isProduction).toBe(true);
  });
});
