import { ConfigError, loadConfig } from '@casino/platform';
import { WorkerConfig } from './worker-config';

function load(settings: Record<string, string>): WorkerConfig {
  return loadConfig(WorkerConfig, settings);
}

/** NODE_ENV=production with the settings every worker must set there: /metrics is never open, mailed links are signed with production's key under an https address. */
const IN_PRODUCTION = {
  NODE_ENV: 'production',
  METRICS_TOKEN: 'metrics-token-of-production',
  REPORT_EXPORT_LINK_SECRET: 'a-production-link-secret-of-at-least-32-chars',
  REPORT_EXPORT_PUBLIC_URL: 'https://casino.example.test',
};

const GATEWAY = { SMS_SENDER: 'http', SMS_GATEWAY_URL: 'https://sms.example.test' };

function problemsOf(settings: Record<string, string>): string[] {
  try {
    load(settings);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe('WorkerConfig: SMS delivery', () => {
  it('delivers SMS to the development sink by default', () => {
    const config = load({});
    expect(config.SMS_DELIVERY_ENABLED).toBe(true);
    expect(config.smsDelivery).toEqual({ sender: 'log' });
  });

  it('sends through the gateway with its URL and token', () => {
    const config = load({ SMS_SENDER: 'http', SMS_GATEWAY_URL: 'https://sms.example.test/v1', SMS_GATEWAY_TOKEN: 't' });
    expect(config.smsDelivery).toEqual({
      sender: 'http',
      gatewayUrl: 'https://sms.example.test/v1',
      gatewayToken: 't',
    });
  });

  it('refuses the gateway sender without a gateway URL, by name', () => {
    expect(problemsOf({ SMS_SENDER: 'http' })).toEqual([expect.stringMatching(/^SMS_GATEWAY_URL: /)]);
  });

  it.each([
    ['SMS_SENDER', 'carrier-pigeon'],
    ['SMS_GATEWAY_URL', 'not a url'],
    ['SMS_DELIVERY_ENABLED', 'perhaps'],
  ])('refuses a malformed %s by name', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(ConfigError);
    expect(problemsOf({ [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
  });

  it('refuses the development sink in production, unless SMS delivery is off there', () => {
    expect(problemsOf({ ...IN_PRODUCTION })).toEqual([
      expect.stringMatching(/^SMS_SENDER: .*non-development value in production/),
    ]);
    expect(problemsOf({ ...IN_PRODUCTION, SMS_DELIVERY_ENABLED: 'false' })).toEqual([]);
    expect(problemsOf({ ...IN_PRODUCTION, ...GATEWAY, SMS_GATEWAY_TOKEN: 't' })).toEqual([]);
  });

  it('refuses the gateway without a token in production, by name', () => {
    const tokens: Record<string, string>[] = [{}, { SMS_GATEWAY_TOKEN: '' }];
    for (const token of tokens) {
      const settings = { ...IN_PRODUCTION, ...GATEWAY, ...token };
      expect(problemsOf(settings)).toEqual([
        'SMS_GATEWAY_TOKEN: SMS_GATEWAY_TOKEN must be set in production with SMS_SENDER=http: the SMS gateway is never called unauthenticated',
      ]);
      expect(() => load(settings)).toThrow(ConfigError);
    }
  });

  it.each([
    ['a line break', 'secret-token\nsecond-line'],
    ['a trailing newline', 'secret-token\n'],
    ['a space', 'secret token'],
    ['a non-ASCII character', 'secret-tökén'],
  ])('refuses a gateway token with %s by name, without echoing it', (_case, token) => {
    const problems = problemsOf({ ...GATEWAY, SMS_GATEWAY_TOKEN: token });
    expect(problems).toEqual([expect.stringMatching(/^SMS_GATEWAY_TOKEN: .*printable ASCII without spaces/)]);
    expect(problems.join('\n')).not.toContain('secret');
  });

  it('refuses a gateway URL with credentials by name, without echoing them', () => {
    const problems = problemsOf({ ...GATEWAY, SMS_GATEWAY_URL: 'https://user:secret@sms.example.test/v1' });
    expect(problems).toEqual(['SMS_GATEWAY_URL: SMS_GATEWAY_URL must be an http(s) URL without credentials']);
  });

  it.each([['http://sms.example.test/v1'], ['HTTP://sms.example.test/v1'], ['http://127.0.0.1:4000/v1']])(
    'refuses the plain-http gateway %s in production by name, naming https',
    (url) => {
      const problems = problemsOf({ ...IN_PRODUCTION, ...GATEWAY, SMS_GATEWAY_URL: url, SMS_GATEWAY_TOKEN: 't' });
      expect(problems).toEqual([
        'SMS_GATEWAY_URL: SMS_GATEWAY_URL must be an https URL in production (its token and messages must not travel unencrypted)',
      ]);
    },
  );

  it('refuses a plain-http gateway URL in production even while SMS delivery is off', () => {
    const settings = {
      ...IN_PRODUCTION,
      SMS_DELIVERY_ENABLED: 'false',
      SMS_GATEWAY_URL: 'http://sms.example.test',
    };
    expect(problemsOf(settings)).toEqual([expect.stringMatching(/^SMS_GATEWAY_URL: .*https URL in production/)]);
  });

  it.each([
    ['development', 'http://localhost:4000/v1'],
    ['development', 'http://127.0.0.1:4000/v1'],
    ['test', 'http://127.0.0.1:4000/v1'],
    ['production', 'https://sms.example.test/v1'],
  ])('accepts in %s the gateway %s', (nodeEnv, url) => {
    const environment = nodeEnv === 'production' ? IN_PRODUCTION : { NODE_ENV: nodeEnv };
    const config = load({ ...environment, ...GATEWAY, SMS_GATEWAY_URL: url, SMS_GATEWAY_TOKEN: 't' });
    expect(config.smsDelivery).toEqual({ sender: 'http', gatewayUrl: url, gatewayToken: 't' });
  });

  it.each([
    ['production with a token', { ...IN_PRODUCTION, ...GATEWAY, SMS_GATEWAY_TOKEN: 't' }],
    ['production with SMS delivery off', { ...IN_PRODUCTION, ...GATEWAY, SMS_DELIVERY_ENABLED: 'false' }],
    ['development through a gateway', { NODE_ENV: 'development', ...GATEWAY }],
    ['test through a gateway', { NODE_ENV: 'test', ...GATEWAY }],
    ['the development sink', { NODE_ENV: 'development', SMS_SENDER: 'log' }],
    ['the test sink', { NODE_ENV: 'test', SMS_SENDER: 'log' }],
  ])('accepts %s', (_case, settings: Record<string, string>) => {
    expect(problemsOf(settings)).toEqual([]);
  });
});
