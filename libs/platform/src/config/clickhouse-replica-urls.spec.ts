import { ConfigError, loadConfig } from './load-config';
import { PlatformSettings } from './platform-settings';

describe('CLICKHOUSE_REPLICATED and CLICKHOUSE_REPLICA_URLS', () => {
  it('is a single node by default', () => {
    const config = loadConfig(PlatformSettings, {});
    expect(config.CLICKHOUSE_REPLICATED).toBe(false);
    expect(config.CLICKHOUSE_REPLICA_URLS).toBe('');
  });

  it('accepts two replicas or more when replicated', () => {
    const urls = 'http://127.0.0.1:8131, http://127.0.0.1:8132';
    const config = loadConfig(PlatformSettings, { CLICKHOUSE_REPLICATED: 'true', CLICKHOUSE_REPLICA_URLS: urls });
    expect(config.CLICKHOUSE_REPLICATED).toBe(true);
    expect(config.CLICKHOUSE_REPLICA_URLS).toBe(urls);
  });

  it.each([
    ['true', ''],
    ['true', 'http://127.0.0.1:8131'],
    ['true', 'http://127.0.0.1:8131,nats://127.0.0.1:8132'],
    ['false', 'http://127.0.0.1:8131,http://127.0.0.1:8132'],
  ])('refuses CLICKHOUSE_REPLICATED=%s with CLICKHOUSE_REPLICA_URLS=%s at boot', (replicated, urls) => {
    const attempt = (): unknown =>
      loadConfig(PlatformSettings, { CLICKHOUSE_REPLICATED: replicated, CLICKHOUSE_REPLICA_URLS: urls });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/CLICKHOUSE_REPLICA_URLS must list at least two/);
  });

  it('refuses a replicated setting that is not a boolean', () => {
    expect(() => loadConfig(PlatformSettings, { CLICKHOUSE_REPLICATED: 'maybe' })).toThrow(/CLICKHOUSE_REPLICATED/);
  });
});
