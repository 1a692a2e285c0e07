import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createNestApp } from '../../src/bootstrap';
import type { AppConfig } from '../../src/config/app-config';

/** The whole nest-app, in process, with its real conventions; requests go through `app.inject`. */
export async function startTestApp(
  config: AppConfig,
  extraModules: Type<unknown>[] = [],
): Promise<NestFastifyApplication> {
  const app = await createNestApp(config, extraModules);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
