import 'reflect-metadata';
import { startTracing } from '@casino/platform/tracing';
import { loadGatewayConfig } from './config/load-gateway-config';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const tracing = startTracing({ serviceName: 'gateway', otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
  const { createGatewayApp } = await import('./bootstrap');
  const app = await createGatewayApp(config);
  await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
  process.once('SIGTERM', () => void tracing.shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
