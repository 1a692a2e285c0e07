import { loadConfig } from '@casino/platform';
import { productionRefusalCases, unrefusedDevelopmentSecrets } from '@casino/platform/testing';
import { GatewayConfig } from './gateway-config';

const PRODUCTION = { NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-of-production', JWT_SECRET: 'p'.repeat(48) };

describe('GatewayConfig: production refuses every development default', () => {
  it('marks every secret with a development default (a new one without the rule fails here)', () => {
    expect(unrefusedDevelopmentSecrets(GatewayConfig)).toEqual([]);
  });

  it('boots production once every refused setting has a value of its own', () => {
    expect(loadConfig(GatewayConfig, PRODUCTION).isProduction).toBe(true);
  });

  it.each(productionRefusalCases(GatewayConfig, PRODUCTION))(
    'refuses $setting at its default',
    ({ setting, settings }) => {
      expect(() => loadConfig(GatewayConfig, settings)).toThrow(`${setting} must be set to a non-development value`);
    },
  );
});
