import { IsString } from 'class-validator';
import { ConfigError, loadConfig } from './load-config';
import { NatsServers } from './setting-decorators';

class NatsConfig {
  @NatsServers()
  public NATS_URL = 'nats://127.0.0.1:4222';

  @IsString()
  public OTHER = 'x';
}

describe('NatsServers', () => {
  it.each(['nats://127.0.0.1:4222', 'nats://a:4222, tls://u:p@b:4222', '127.0.0.1:4222', 'ws://nats.example.test'])(
    'accepts %s',
    (value) => {
      expect(loadConfig(NatsConfig, { NATS_URL: value }).NATS_URL).toBe(value);
    },
  );

  it.each(['nats://u:nats-secret@127.0.0.1:4222:1', 'http://127.0.0.1:4222', 'nats://a:4222,', 'nats://[::1'])(
    'refuses %s by name without echoing it',
    (value) => {
      const attempt = (): unknown => loadConfig(NatsConfig, { NATS_URL: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/- NATS_URL: NATS_URL must be a comma-separated list/);
      expect(attempt).not.toThrow(/nats-secret/);
    },
  );
});
