import { ApiExceptionFilter, createFastifyApp } from '@casino/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { WorkerConfig } from './config/worker-config';
import { WorkerModule } from './worker.module';

export async function createWorkerApp(config: WorkerConfig): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(WorkerModule.forRoot(config), {
    edge: { maxInputDepth: config.API_MAX_JSON_DEPTH, metricsToken: config.METRICS_TOKEN },
  });
  app.useGlobalFilters(new ApiExceptionFilter());
  return app;
}
