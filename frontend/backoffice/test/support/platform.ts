import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../../../backend/nest-app/src/config/app-config';
import { demoProviderSeeder } from '../../../../backend/nest-app/src/modules/game/demo/demo-provider.seeder';
import { userDemoSeeder } from '../../../../backend/nest-app/src/modules/user/user.demo-seeder';
import { walletDemoSeeder } from '../../../../backend/nest-app/src/modules/wallet/wallet.demo-seeder';
import {
  startListeningApp,
  startPaymentSuite,
  type PaymentSuite,
} from '../../../../backend/nest-app/test/payment-test-kit';
import { uniqueEmail } from '../../../../backend/nest-app/test/support/sign-in';
import {
  createTestEnvironment,
  type TestEnvironment,
} from '../../../../backend/nest-app/test/support/test-environment';
import { buildBackoffice } from './build';

export interface RunningPlatform {
  app: NestFastifyApplication;
  /** Where the browser opens the back office, e.g. http://127.0.0.1:41234/backoffice/. */
  backofficeUrl: string;
  adminEmail: string;
  dispose(): Promise<void>;
}

/**
 * The real nest-app, listening on a free port with the suite's own environment (database, Redis prefix, NATS
 * streams, ClickHouse database), serving this commit's build of the back office, with the demo players alice, bob
 * and charlie, their starting balances and the demo provider's games seeded the way `npm start` seeds them.
 * `extraModules` are mounted beside it, made from the suite's config (worker-etl's export consumer).
 */
export async function startPlatform(
  suite: string,
  settings: Record<string, string> = {},
  extraModules: (config: AppConfig) => DynamicModule[] = () => [],
): Promise<RunningPlatform> {
  const dist = buildBackoffice();
  // The demo provider's key pairs, made by its seeder, in a folder of the suite's own.
  const keys = mkdtempSync(join(tmpdir(), 'backoffice-demo-keys-'));
  const cleanUp = (): void => {
    rmSync(dist, { recursive: true, force: true });
    rmSync(keys, { recursive: true, force: true });
  };
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment | undefined;
  let app: NestFastifyApplication | undefined;
  try {
    environment = await createTestEnvironment(suite, {
      ADMIN_EMAIL: adminEmail,
      BACKOFFICE_DIST_DIR: dist,
      DEMO_PROVIDER_KEYS_DIR: keys,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      PAYMENT_RECONCILIATION_INTERVAL_SECONDS: '0',
      ...settings,
    });
    const started = await startListeningApp(environment.config, extraModules(environment.config));
    app = started.app;
    for (const seeder of [userDemoSeeder, walletDemoSeeder, demoProviderSeeder]) await seeder.seed(app);
    const running = { app, environment };
    return {
      app,
      backofficeUrl: `${started.url}/backoffice/`,
      adminEmail,
      dispose: async () => {
        await running.app.close();
        await running.environment.dispose();
        cleanUp();
      },
    };
  } catch (error) {
    await app?.close();
    await environment?.dispose();
    cleanUp();
    throw error;
  }
}

export interface RunningPaymentPlatform extends RunningPlatform {
  suite: PaymentSuite;
}

/**
 * The same, with the payment module's world around it (payment-test-kit): the sandbox PSP and the Stripe stand-in
 * on their own ports, their webhooks pointed at this nest-app.
 */
export async function startPaymentPlatform(
  suite: string,
  settings: Record<string, string> = {},
): Promise<RunningPaymentPlatform> {
  const dist = buildBackoffice();
  const payments = await startPaymentSuite(suite, { BACKOFFICE_DIST_DIR: dist, ...settings }).catch((error) => {
    rmSync(dist, { recursive: true, force: true });
    throw error;
  });
  const address = payments.app.getHttpServer().address() as { port: number };
  return {
    app: payments.app,
    suite: payments,
    backofficeUrl: `http://127.0.0.1:${address.port}/backoffice/`,
    adminEmail: payments.environment.config.ADMIN_EMAIL,
    dispose: async () => {
      await payments.close();
      rmSync(dist, { recursive: true, force: true });
    },
  };
}
