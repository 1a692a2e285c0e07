import 'reflect-metadata';
import { startTracing } from '@casino/platform/tracing';
import { loadAppConfig } from './config/load-app-config';

async function main(): Promise<void> {
  const config = loadAppConfig();
  const tracing = startTracing({ serviceName: 'nest-app', otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
  // Loaded after tracing starts, so that http, pg and ioredis are instrumented.
  const { startNestApp } = await import('./bootstrap');
  await startNestApp(config);
  process.once('SIGTERM', () => void tracing.shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`nest-app failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
