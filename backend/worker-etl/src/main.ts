import 'reflect-metadata';
import { startTracing } from '@casino/platform/tracing';
import { loadWorkerConfig } from './config/load-worker-config';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const tracing = startTracing({ serviceName: 'worker-etl', otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
  const { createWorkerApp } = await import('./bootstrap');
  const app = await createWorkerApp(config);
  await app.listen({ host: config.WORKER_HOST, port: config.WORKER_PORT });
  process.once('SIGTERM', () => void tracing.shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`worker-etl failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
