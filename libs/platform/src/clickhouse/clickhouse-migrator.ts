import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseOptions } from './clickhouse.tokens';
import { replicatedStatement } from './replicated-engine';
import { identifier, sql } from './sql';

const MIGRATION_FILE = /^(\d{3,})_[a-z0-9_]+\.sql$/;

export interface ClickHouseMigration {
  version: number;
  name: string;
  statements: string[];
  /**
   * Fact tables no insert may reach while the migration runs, from a `-- etl-load-lock: table, ...` line: the
   * migrator applies it holding worker-etl's load locks of those tables (a view dropped and created again).
   */
  loadLocks: string[];
}

/** Runs `apply` holding the ETL load locks of `tables` (withEtlLoadLocksForMigration), or refuses. */
export type HoldLoadLocks = (tables: readonly string[], apply: () => Promise<void>) => Promise<void>;

const LOAD_LOCK_LINE = /^--\s*etl-load-lock:\s*(.+)$/m;

function loadLocksOf(text: string): string[] {
  const line = LOAD_LOCK_LINE.exec(text)?.[1] ?? '';
  return line
    .split(',')
    .map((table) => table.trim())
    .filter((table) => table.length > 0);
}

/** Numbered plain-SQL files, `001_create_events.sql`, statements separated by `;` at a line end. */
export function readMigrations(directory: string): ClickHouseMigration[] {
  return readdirSync(directory)
    .filter((file) => MIGRATION_FILE.test(file))
    .map((file) => {
      const text = readFileSync(join(directory, file), 'utf8');
      return {
        version: Number(MIGRATION_FILE.exec(file)?.[1]),
        name: file,
        statements: text
          .split(/;\s*$/m)
          .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
          .filter((statement) => statement.length > 0),
        loadLocks: loadLocksOf(text),
      };
    })
    .sort((a, b) => a.version - b.version);
}

/** A replicated ClickHouse (ADR 0032): the migrations run on each of these replicas, with replicated engines. */
export interface ClickHouseReplication {
  replicaUrls: readonly string[];
}

/** The migrations as a replicated ClickHouse runs them: every MergeTree table replaced by its Replicated twin. */
export function replicatedMigrations(migrations: ClickHouseMigration[], database: string): ClickHouseMigration[] {
  return migrations.map((migration) => ({
    ...migration,
    statements: migration.statements.map((statement) => replicatedStatement(statement, database)),
  }));
}

/**
 * Creates the database when missing and applies the migrations not yet recorded in
 * `schema_migrations`, in order. Returns the names it applied. A migration naming load locks is applied inside
 * `holdLoadLocks`; without it, such a migration stops the run before it changes anything. With `replication`, the
 * same migrations, engines made replicated, are applied one after another, each to every replica in turn (each keeps
 * its own `schema_migrations`, so a replica added later or down during a deploy catches up at the next run; its
 * ALTERs arrive through ZooKeeper); the names returned are those the first replica applied.
 */
export async function migrateClickHouse(
  options: ClickHouseOptions,
  directory: string,
  holdLoadLocks?: HoldLoadLocks,
  replication?: ClickHouseReplication,
): Promise<string[]> {
  const database = identifier(options.database, [options.database]);
  const migrations = readMigrations(directory);
  if (replication === undefined) return migrateOne(options, database, migrations, holdLoadLocks);
  if (replication.replicaUrls.length === 0) throw new Error('a replicated ClickHouse needs its replica URLs');
  const [first, ...others] = replication.replicaUrls;
  const applied: string[] = [];
  // Migration by migration over the replicas, not all of them on one replica first: a replica's CREATE TABLE must
  // find in ZooKeeper the structure the earlier migrations left, not one a later ALTER already changed.
  for (const migration of replicatedMigrations(migrations, options.database)) {
    applied.push(...(await migrateOne({ ...options, url: first }, database, [migration], holdLoadLocks)));
    for (const url of others) {
      await migrateOne({ ...options, url }, database, [withoutAlters(migration)], holdLoadLocks, async (client) =>
        awaitAlteredColumns(migration, { ...options, url: first }, client),
      );
    }
  }
  return applied;
}

const ALTER_TABLE = /^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\s/i;

/**
 * An ALTER of a replicated table is itself replicated (ZooKeeper carries it to every replica): the other replicas
 * run the migration without its ALTERs, after their tables have taken them.
 */
function withoutAlters(migration: ClickHouseMigration): ClickHouseMigration {
  return { ...migration, statements: migration.statements.filter((statement) => !ALTER_TABLE.test(statement)) };
}

/** Waits until each table the migration alters has, on `replica`, the columns it has on the first replica. */
async function awaitAlteredColumns(
  migration: ClickHouseMigration,
  firstOptions: ClickHouseOptions,
  replica: ClickHouseClient,
  timeoutMs = 60_000,
): Promise<void> {
  const tables = [...new Set(migration.statements.flatMap((statement) => ALTER_TABLE.exec(statement)?.[1] ?? []))];
  if (tables.length === 0) return;
  const first = createClient({ ...firstOptions });
  try {
    for (const table of tables) {
      const wanted = await columnsOf(first, table);
      const deadline = Date.now() + timeoutMs;
      while ((await columnsOf(replica, table)) !== wanted) {
        if (Date.now() > deadline) throw new Error(`${migration.name}: ${table} did not take its ALTER on a replica`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await first.close();
  }
}

async function columnsOf(client: ClickHouseClient, table: string): Promise<string> {
  const result = await client.query({
    query: sql`SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${table} ORDER BY name`,
    format: 'JSONEachRow',
  });
  return JSON.stringify(await result.json());
}

async function migrateOne(
  options: ClickHouseOptions,
  database: ReturnType<typeof identifier>,
  migrations: ClickHouseMigration[],
  holdLoadLocks?: HoldLoadLocks,
  beforeEach?: (client: ClickHouseClient) => Promise<void>,
): Promise<string[]> {
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
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      const apply = async (): Promise<void> => {
        await beforeEach?.(client);
        for (const statement of migration.statements) {
          await client.command({ query: statement });
        }
        await client.command({
          query: sql`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${migration.version}, ${migration.name}, ${new Date()})`,
        });
      };
      if (migration.loadLocks.length === 0) await apply();
      else if (holdLoadLocks) await holdLoadLocks(migration.loadLocks, apply);
      else
        throw new Error(
          `${migration.name} must be applied holding the ETL load lock of ${migration.loadLocks.join(', ')}`,
        );
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
