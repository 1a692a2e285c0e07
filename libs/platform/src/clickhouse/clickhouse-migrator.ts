import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseOptions } from './clickhouse.tokens';
import { identifier, sql } from './sql';

const MIGRATION_FILE = /^(\d{3,})_[a-z0-9_]+\.sql$/;

export interface ClickHouseMigration {
  version: number;
  name: string;
  statements: string[];
}

/** Numbered plain-SQL files, `001_create_events.sql`, statements separated by `;` at a line end. */
export function readMigrations(directory: string): ClickHouseMigration[] {
  return readdirSync(directory)
    .filter((file) => MIGRATION_FILE.test(file))
    .map((file) => ({
      version: Number(MIGRATION_FILE.exec(file)?.[1]),
      name: file,
      statements: readFileSync(join(directory, file), 'utf8')
        .split(/;\s*$/m)
        .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
        .filter((statement) => statement.length > 0),
    }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Creates the database when missing and applies the migrations not yet recorded in
 * `schema_migrations`, in order. Returns the names it applied.
 */
export async function migrateClickHouse(options: ClickHouseOptions, directory: string): Promise<string[]> {
  const database = identifier(options.database, [options.database]);
  const admin = createClient({ url: options.url, username: options.username, password: options.password });
  try {
    await admin.command({ query: sql`CREATE DATABASE IF NOT EXISTS ${database}` });
  } finally {
    await admin.close();
  }
  const client = createClient({ ...options });
  try {
    await client.command({
      query:
        'CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime) ' +
        'ENGINE = MergeTree() ORDER BY version',
    });
    const applied = new Set((await appliedVersions(client)).map(Number));
    const done: string[] = [];
    for (const migration of readMigrations(directory)) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) {
        await client.command({ query: statement });
      }
      await client.command({
        query: sql`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${migration.version}, ${migration.name}, ${new Date()})`,
      });
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.close();
  }
}

async function appliedVersions(client: ClickHouseClient): Promise<string[]> {
  const result = await client.query({ query: 'SELECT version FROM schema_migrations', format: 'JSONEachRow' });
  const rows = await result.json<{ version: string | number }>();
  return rows.map((row) => String(row.version));
}
