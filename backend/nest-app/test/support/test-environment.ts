import { disposeIsolatedResources, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import { Client } from 'pg';
import type { AppConfig } from '../../src/config/app-config';
import { loadAppConfig } from '../../src/config/load-app-config';

/**
 * A suite's own slice of every real service: its own PostgreSQL database, Redis key prefix,
 * BullMQ prefix, NATS subjects and streams, and ClickHouse database. `dispose` removes them all.
 */
export interface TestEnvironment {
  id: string;
  config: AppConfig;
  overrides: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createTestEnvironment(
  suite: string,
  extra: Record<string, string> = {},
): Promise<TestEnvironment> {
  const id = uniqueTestId(suite);
  const base = loadAppConfig();
  await adminQuery(base.DATABASE_URL, `CREATE DATABASE ${id}`);
  const overrides: Record<string, string> = {
    ...isolatedSettings(id),
    DATABASE_URL: withDatabase(base.DATABASE_URL, id),
    DATABASE_POOL_SIZE: '10',
    MIGRATIONS_RUN_ON_START: 'true',
    // Suites sign many players in from inject's one address; the suites of the per-IP code limit set their own.
    AUTH_CODE_RATE_LIMIT_PER_IP: '10000',
    ...extra,
  };
  const config = loadAppConfig(overrides);
  return {
    id,
    config,
    overrides,
    dispose: async () => {
      await adminQuery(config.DATABASE_URL, `DROP DATABASE IF EXISTS ${id} WITH (FORCE)`);
      await disposeIsolatedResources(id, config);
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
