import { ConfigError, loadConfig } from './load-config';
import { TrustedProxies, trustedProxyList } from './setting-decorators';

class ProxyConfig {
  @TrustedProxies()
  public TRUSTED = '';
}

describe('TrustedProxies', () => {
  it.each(['', '127.0.0.1', '127.0.0.1,::1', ' 10.0.0.0/8 , fd00::/8', '192.168.1.7/32', '::ffff:10.0.0.1'])(
    'accepts %p',
    (value) => {
      expect(loadConfig(ProxyConfig, { TRUSTED: value }).TRUSTED).toBe(value);
    },
  );

  it.each([
    'true',
    '1',
    'loopback',
    'gateway.internal',
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.1/8/1',
    '10.0.0.1,',
    'fe80::1%eth0',
  ])('refuses %p by name', (value) => {
    const attempt = (): unknown => loadConfig(ProxyConfig, { TRUSTED: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/- TRUSTED: TRUSTED must be a comma-separated list of IP addresses or CIDRs/);
  });

  it('lists the entries, none for an empty setting', () => {
    expect(trustedProxyList('')).toEqual([]);
    expect(trustedProxyList(' 127.0.0.1 , ::1')).toEqual(['127.0.0.1', '::1']);
  });
});
