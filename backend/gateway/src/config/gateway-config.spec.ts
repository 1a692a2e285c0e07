import { loadConfig } from '@casino/platform';
import { GatewayConfig } from './gateway-config';

const load = (settings: Record<string, string>) => loadConfig(GatewayConfig, settings);

describe('GatewayConfig', () => {
  it('reads the upstream instances as a list of origins', () => {
    expect(load({ GATEWAY_UPSTREAMS: 'http://127.0.0.1:3000, http://10.0.0.5:3000' }).upstreams).toEqual([
      'http://127.0.0.1:3000',
      'http://10.0.0.5:3000',
    ]);
  });

  it.each([
    'http://127.0.0.1:3000/api',
    'http://user:pw@127.0.0.1:3000',
    'ftp://127.0.0.1',
    'http://127.0.0.1:3000,http://127.0.0.1:3000',
    'http://127.0.0.1:3000/',
    ' , ',
  ])('refuses GATEWAY_UPSTREAMS=%s by name', (value) => {
    expect(() => load({ GATEWAY_UPSTREAMS: value })).toThrow(/GATEWAY_UPSTREAMS must be a comma-separated list/);
  });

  it('stops the boot on the replaced API_UPSTREAM_URL', () => {
    expect(() => load({ API_UPSTREAM_URL: 'http://127.0.0.1:3000' })).toThrow(
      'API_UPSTREAM_URL was replaced by GATEWAY_UPSTREAMS',
    );
  });

  it('allows no CORS origin by default and reads a list', () => {
    expect(load({}).corsOrigins).toEqual([]);
    expect(load({ GATEWAY_CORS_ORIGINS: 'https://play.example.com' }).corsOrigins).toEqual([
      'https://play.example.com',
    ]);
    expect(() => load({ GATEWAY_CORS_ORIGINS: '*' })).toThrow(/GATEWAY_CORS_ORIGINS/);
  });

  it('reads bucket policies and refuses malformed ones by name', () => {
    expect(load({ GATEWAY_LIMIT_SIGN_IN_PER_IP: '5/30' }).limit('GATEWAY_LIMIT_SIGN_IN_PER_IP')).toEqual({
      burst: 5,
      windowSeconds: 30,
    });
    expect(() => load({ GATEWAY_LIMIT_API_PER_IP: '0/60' })).toThrow(/GATEWAY_LIMIT_API_PER_IP must be <burst>/);
    expect(() => load({ GATEWAY_LIMIT_API_PER_IP: '10 per minute' })).toThrow(/GATEWAY_LIMIT_API_PER_IP/);
  });
});
