import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { loadAppConfig } from '../config/load-app-config';
import { DEMO_SEEDERS } from './demo-seeders';

/** Seeds demo data through the modules' own services, idempotently. Refuses to run in production. */
async function main(): Promise<void> {
  const config = loadAppConfig({ LOG_LEVEL: 'warn' });
  if (config.isProduction) {
    throw new Error('demo data is not seeded in production');
  }
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  try {
    for (const seeder of DEMO_SEEDERS) {
      process.stdout.write(`${seeder.name}: ${await seeder.seed(app)}\n`);
    }
    if (DEMO_SEEDERS.length === 0) process.stdout.write('no demo seeders registered yet\n');
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
