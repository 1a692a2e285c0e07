import { loadConfig } from '@casino/platform';
import { unrefusedDevelopmentSecrets } from '@casino/platform/testing';
import { GatewayConfig } from './gateway-config';

describe('GatewayConfig: production refuses every development default', () => {
  it('marks every secret with a development default (a new one without the rule fails here)', () => {
    expect(unrefusedDevelopmentSecrets(GatewayConfig)).toEqual([]);
  });

  it('boots production with no development secret to refuse', () => {
    expect(loadConfig(GatewayConfig, { NODE_ENV: 'production' }).isProduction).toBe(true);
  });
});
