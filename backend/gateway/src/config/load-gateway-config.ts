import { loadConfig, readEnvironment } from '@casino/platform';
import { GatewayConfig } from './gateway-config';

export function loadGatewayConfig(overrides: Record<string, string> = {}): GatewayConfig {
  return loadConfig(GatewayConfig, { ...readEnvironment(), ...overrides });
}
