import { IsString } from 'class-validator';
import { productionRefusalCases, unrefusedDevelopmentSecrets } from '../testing/production-defaults';
import { loadConfig } from './load-config';
import { PlatformSettings } from './platform-settings';
import { developmentDefaultsOf, NotDevelopmentDefaultInProduction } from './setting-decorators';

class ExampleSettings extends PlatformSettings {
  @IsString()
  @NotDevelopmentDefaultInProduction('dev-signing-secret')
  public SIGNING_SECRET = 'dev-signing-secret';

  @IsString()
  public FORGOTTEN_API_KEY = 'dev-key';

  @IsString()
  public UPSTREAM_URL = 'http://user:dev-password@127.0.0.1:9000';

  @IsString()
  public EMPTY_TOKEN = '';
}

/** NODE_ENV=production with the settings every app must set there (METRICS_TOKEN: /metrics is never open). */
const IN_PRODUCTION = { NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-of-production' };

describe('development defaults refused in production', () => {
  it('records each marked setting with its development default', () => {
    expect([...developmentDefaultsOf(ExampleSettings)]).toEqual([['SIGNING_SECRET', 'dev-signing-secret']]);
  });

  it('finds secret-looking settings with a development default that nothing refuses', () => {
    expect(unrefusedDevelopmentSecrets(ExampleSettings)).toEqual(['FORGOTTEN_API_KEY', 'UPSTREAM_URL']);
    expect(unrefusedDevelopmentSecrets(ExampleSettings, { FORGOTTEN_API_KEY: 'why', UPSTREAM_URL: 'why' })).toEqual([]);
  });

  it('refuses the default in production only, and takes a value of its own there', () => {
    expect(() => loadConfig(ExampleSettings, { ...IN_PRODUCTION })).toThrow(
      /- SIGNING_SECRET: SIGNING_SECRET must be set to a non-development value in production/,
    );
    expect(loadConfig(ExampleSettings, { ...IN_PRODUCTION, SIGNING_SECRET: 'own' }).SIGNING_SECRET).toBe('own');
    expect(loadConfig(ExampleSettings, {}).SIGNING_SECRET).toBe('dev-signing-secret');
  });

  it('gives one refusal case per marked setting, without its own value', () => {
    expect(productionRefusalCases(ExampleSettings, { ...IN_PRODUCTION, SIGNING_SECRET: 'own' })).toEqual([
      { setting: 'SIGNING_SECRET', settings: { ...IN_PRODUCTION } },
    ]);
  });
});
