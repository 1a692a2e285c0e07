import { loadConfig, readEnvironment } from '@casino/platform';
import { AppConfig } from './app-config';

/** Reads the environment (and `.env`), applies overrides, and validates. Throws ConfigError. */
export function loadAppConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig(AppConfig, { ...readEnvironment(), ...overrides });
}
