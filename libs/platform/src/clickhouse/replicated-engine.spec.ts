import { join } from 'node:path';
import { readMigrations, replicatedMigrations } from './clickhouse-migrator';
import { replicatedStatement } from './replicated-engine';

const NEST_APP_MIGRATIONS = join(__dirname, '../../../../backend/nest-app/src/infra/clickhouse/migrations');

describe('replicatedStatement', () => {
  it('makes every table of the current migrations replicated and leaves the other statements as they are', () => {
    const migrations = readMigrations(NEST_APP_MIGRATIONS);
    const replicated = replicatedMigrations(migrations, 'casino');
    for (const [index, migration] of replicated.entries()) {
      for (const [position, statement] of migration.statements.entries()) {
        const original = migrations[index]?.statements[position] ?? '';
        if (/^\s*CREATE\s+TABLE/i.test(original)) {
          expect(statement).toMatch(
            /ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/casino\.\w+', '\{replica\}'/,
          );
        } else {
          expect(statement).toBe(original);
        }
      }
    }
    expect(
      replicated.map((migration) => ({ name: migration.name, statements: migration.statements })),
    ).toMatchSnapshot();
  });

  it('keeps the engine arguments after the path and replica', () => {
    expect(replicatedStatement('CREATE TABLE p (v UInt64) ENGINE = ReplacingMergeTree(v) ORDER BY v', 'db')).toBe(
      "CREATE TABLE p (v UInt64) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db.p', '{replica}', v) ORDER BY v",
    );
    expect(replicatedStatement('CREATE TABLE IF NOT EXISTS db.t (v UInt64) ENGINE=MergeTree ORDER BY v', 'db')).toBe(
      "CREATE TABLE IF NOT EXISTS db.t (v UInt64) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/db.t', '{replica}') ORDER BY v",
    );
  });

  it('leaves an already replicated table alone', () => {
    const statement =
      "CREATE TABLE t (v UInt64) ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/x/t', 'r1') ORDER BY v";
    expect(replicatedStatement(statement, 'db')).toBe(statement);
  });

  it('refuses a table that a replica could not copy and a view with an inner table', () => {
    expect(() => replicatedStatement('CREATE TABLE m (v UInt64) ENGINE = Memory', 'db')).toThrow(/engine Memory/);
    expect(() =>
      replicatedStatement('CREATE MATERIALIZED VIEW v ENGINE = SummingMergeTree() ORDER BY k AS SELECT 1 AS k', 'db'),
    ).toThrow(/TO a table of its own/);
  });
});
