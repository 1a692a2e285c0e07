import { ApiExceptionFilter, createValidationPipe } from '@casino/platform';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { API_PREFIX } from '../../src/common/http/configure-http';
import { Clock, ManualClock } from '../../src/common/time/clock';
import type { AppConfig } from '../../src/config/app-config';

export interface UserTestApp {
  app: NestFastifyApplication;
  clock: ManualClock;
}

/**
 * nest-app with the real modules and HTTP conventions, a ManualClock in place of the system
 * clock; requests sign in for real (see user-test-auth.ts).
 */
export async function startUserTestApp(
  config: AppConfig,
  start = new Date('2026-03-02T10:00:00Z'),
): Promise<UserTestApp> {
  const clock = new ManualClock(start);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    rawBody: true,
    logger: false,
  });
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, clock };
}
