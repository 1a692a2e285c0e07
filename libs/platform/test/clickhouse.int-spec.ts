import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { PlatformSettings } from '../src/config/platform-settings';
import { migrateClickHouse } from '../src/clickhouse/clickhouse-migrator';
import { renderValue, sql } from '../src/clickhouse/sql';
import { uniqueTestId } from '../src/testing/test-resources';

describe('ClickHouse (integration, real server)', () => {
  const settings = loadConfig(PlatformSettings, readEnvironment());
  const database = uniqueTestId('chplatform');
  const options = {
    url: settings.CLICKHOUSE_URL,
    database,
    username: settings.CLICKHOUSE_USER,
    password: settings.CLICKHOUSE_PASSWORD,
  };
  let client: ClickHouseClient;

  beforeAll(() => {
    client = createClient({ url: options.url, username: options.username, password: options.password });
  });

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client.close();
  });

  it.each(["O'Brien", "\\'; DROP TABLE x; --", 'line\nbreak\ttab', 'back\\slash at end\\', 'unicode zł € 🎰', ''])(
    'round-trips %j through renderValue unchanged',
    async (value) => {
      const result = await client.query({ query: `SELECT ${renderValue(value)} AS v`, format: 'JSONEachRow' });
      expect(await result.json<{ v: string }>()).toEqual([{ v: value }]);
    },
  );

  it('round-trips an Int64 beyond 2^53 and a UTC date', async () => {
    const when = new Date('2026-11-27T08:46:00Z');
    const result = await client.query({
      query: sql`SELECT toInt64(${9007199254740993n}) AS amount, toString(${when}, 'UTC') AS at`,
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ amount: '9007199254740993', at: '2026-11-27 08:46:00' }]);
  });

  it('applies numbered migrations once, in order, and records them', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'ch-migrations-'));
    writeFileSync(
      join(directory, '001_create_things.sql'),
      '-- a comment\nCREATE TABLE things (id UInt32, name String) ENGINE = MergeTree() ORDER BY id;\n',
    );
    writeFileSync(
      join(directory, '002_seed_things.sql'),
      "INSERT INTO things VALUES (1, 'a');\nINSERT INTO things VALUES (2, 'b');\n",
    );
    writeFileSync(join(directory, 'README.md'), 'not a migration');

    expect(await migrateClickHouse(options, directory)).toEqual(['001_create_things.sql', '002_seed_things.sql']);
    expect(await migrateClickHouse(options, directory)).toEqual([]);

    const rows = await client.query({ query: `SELECT count() AS n FROM ${database}.things`, format: 'JSONEachRow' });
    expect(await rows.json()).toEqual([{ n: '2' }]);
  });

  it('applies a migration naming load locks only while holding them, and refuses it without a way to', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'ch-migrations-'));
    writeFileSync(
      join(directory, '001_create_facts.sql'),
      '-- etl-load-lock: facts, more_facts\n-- why\nCREATE TABLE facts (id UInt32) ENGINE = MergeTree() ORDER BY id;\n',
    );
    const locked = { ...options, database: `${database}_locked` };
    try {
      await expect(migrateClickHouse(locked, directory)).rejects.toThrow(
        '001_create_facts.sql must be applied holding the ETL load lock of facts, more_facts',
      );
      const held: string[][] = [];
      const applied = await migrateClickHouse(locked, directory, async (tables, apply) => {
        held.push([...tables]);
        await apply();
      });
      expect(applied).toEqual(['001_create_facts.sql']);
      expect(held).toEqual([['facts', 'more_facts']]);
      const rows = await client.query({ query: `EXISTS TABLE ${locked.database}.facts`, format: 'JSONEachRow' });
      expect(await rows.json()).toEqual([{ result: 1 }]);
    } finally {
      await client.command({ query: `DROP DATABASE IF EXISTS ${locked.database}` });
    }
  });
});
