import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createNestApp } from '../../src/bootstrap';
import { ManualClock } from '../../src/common/time/clock';
import type { AppConfig } from '../../src/config/app-config';

/** The whole nest-app, in process, with its real conventions; requests go through `app.inject`. */
export async function startTestApp(
  config: AppConfig,
  extraModules: Type<unknown>[] = [],
  clock?: ManualClock,
): Promise<NestFastifyApplication> {
  const app = await createNestApp(config, extraModules, clock);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export interface ClockedTestApp {
  app: NestFastifyApplication;
  clock: ManualClock;
}

/** The whole nest-app with a clock the test sets and moves (cooling-off periods, expiries). */
export async function startClockedTestApp(config: AppConfig, start = new Date()): Promise<ClockedTestApp> {
  const clock = new ManualClock(start);
  return { app: await startTestApp(config, [], clock), clock };
}
