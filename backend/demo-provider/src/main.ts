import { loadConfig } from './config';
import { buildServer } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  const { app } = buildServer(config);
  await app.listen({ host: config.host, port: config.port });
  process.stdout.write(`demo-provider listening on ${config.publicUrl}\n`);
  process.once('SIGTERM', () => void app.close());
}

main().catch((error: unknown) => {
  process.stderr.write(`demo-provider failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
