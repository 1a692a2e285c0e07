import type { AppConfig } from '../../src/config/app-config';
import { startClockedTestApp, type ClockedTestApp } from './test-app';

export type UserTestApp = ClockedTestApp;

/**
 * nest-app with the real modules and HTTP conventions, a ManualClock in place of the system
 * clock; requests sign in for real (see user-test-auth.ts).
 */
export function startUserTestApp(config: AppConfig, start = new Date('2026-03-02T10:00:00Z')): Promise<UserTestApp> {
  return startClockedTestApp(config, start);
}
