/**
 * The replicated form of a migration statement (ADR 0032): on a replicated ClickHouse the same numbered migrations
 * run on every replica, and each `CREATE TABLE` of the MergeTree family becomes its `Replicated*MergeTree` twin,
 * registered in ZooKeeper under `/clickhouse/tables/{shard}/<database>.<table>` with the replica's `{replica}`
 * macro. Every other statement (views, drops, inserts) is returned unchanged.
 */
const CREATE_TABLE =
  /^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:[A-Za-z_][A-Za-z0-9_]*\.)?([A-Za-z_][A-Za-z0-9_]*)/i;
const CREATE_VIEW_WITH_ENGINE = /^\s*CREATE\s+MATERIALIZED\s+VIEW\b(?:(?!\bAS\b)[\s\S])*\bENGINE\s*=/i;
const ENGINE = /\bENGINE\s*=\s*(Replicated)?(\w*)MergeTree(?:\s*\(([^()]*)\))?/i;
const ANY_ENGINE = /\bENGINE\s*=\s*(\w+)/i;
const MERGE_TREE_KINDS = new Set(['', 'Replacing', 'Summing', 'Aggregating', 'Collapsing', 'VersionedCollapsing']);

export function replicatedStatement(statement: string, database: string): string {
  if (CREATE_VIEW_WITH_ENGINE.test(statement)) {
    throw new Error('a materialized view on a replicated ClickHouse must write TO a table of its own (ADR 0032)');
  }
  const table = CREATE_TABLE.exec(statement)?.[1];
  if (table === undefined) return statement;
  const engine = ENGINE.exec(statement);
  if (engine === null || !MERGE_TREE_KINDS.has(engine[2])) {
    const name = ANY_ENGINE.exec(statement)?.[1] ?? 'none';
    throw new Error(`table ${table} has engine ${name}, which a replicated ClickHouse cannot copy (ADR 0032)`);
  }
  if (engine[1] !== undefined) return statement;
  const args = (engine[3] ?? '').trim();
  const path = `'/clickhouse/tables/{shard}/${database}.${table}', '{replica}'`;
  const replicated = `ENGINE = Replicated${engine[2]}MergeTree(${path}${args === '' ? '' : `, ${args}`})`;
  return statement.slice(0, engine.index) + replicated + statement.slice(engine.index + engine[0].length);
}
