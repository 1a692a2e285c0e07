import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSandboxConfig } from './sandbox-config';
import { buildSandboxPsp } from './sandbox-psp';

async function main(): Promise<void> {
  // The repository's .env, like the other apps; variables already in the environment win.
  const envFile = resolve(__dirname, '../../../.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = loadSandboxConfig();
  const { app } = buildSandboxPsp(config);
  await app.listen({ host: config.host, port: config.port });
  process.stdout.write(
    `sandbox PSP on http://${config.host}:${config.port} (hosted page ${config.publicUrl}/pay/:id)\n`,
  );
  const stop = (): void => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox-psp failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
