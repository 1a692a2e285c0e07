import { loadConfig, readEnvironment } from '@casino/platform';
import { WorkerConfig } from './worker-config';

export function loadWorkerConfig(overrides: Record<string, string> = {}): WorkerConfig {
  return loadConfig(WorkerConfig, { ...readEnvironment(), ...overrides });
}
