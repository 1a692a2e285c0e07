import { MailDeliveryModule, SmsDeliveryModule } from '@casino/platform';
import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createNestApp } from '../../src/bootstrap';
import { ManualClock } from '../../src/common/time/clock';
import type { AppConfig } from '../../src/config/app-config';

/** MailDev's SMTP side: the sink of every mail in tests (its HTTP API is `MAILDEV_API`). */
const MAILDEV_SMTP_URL = 'smtp://127.0.0.1:1025';

/**
 * The `mail` queue's delivery, which worker-etl runs in production, in the test's own process: a test then
 * reads its mail in MailDev without running a worker.
 */
export function testMailDelivery(): DynamicModule {
  return MailDeliveryModule.forRoot({ smtpUrl: MAILDEV_SMTP_URL, from: 'Casino <tests@example.test>' });
}

/**
 * The `sms` queue's delivery, which worker-etl runs in production, in the test's own process, with the
 * development sink: a test reads its texts in the dev inbox (Redis, under the suite's key prefix) without
 * running a worker.
 */
export function testSmsDelivery(): DynamicModule {
  return SmsDeliveryModule.forRoot({ sender: 'log' });
}

/**
 * The whole nest-app, in process, with its real conventions, `testMailDelivery` and `testSmsDelivery`;
 * requests go through `app.inject`.
 */
export async function startTestApp(
  config: AppConfig,
  extraModules: (Type<unknown> | DynamicModule)[] = [],
  clock?: ManualClock,
): Promise<NestFastifyApplication> {
  const app = await createNestApp(config, [...extraModules, testMailDelivery(), testSmsDelivery()], clock);
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
