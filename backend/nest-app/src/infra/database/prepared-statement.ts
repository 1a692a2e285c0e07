import type { PoolClient, QueryResultRow } from 'pg';
import type { QueryRunner } from 'typeorm';

/**
 * A named server-side prepared statement. node-postgres parses it once per connection and then only
 * binds and executes it, and PostgreSQL may keep its plan: the hot statements (the ledger's, ADR 0010, and
 * the coalesced ones of the game and RG modules, ADR 0011) are large set-based ones whose parsing and
 * planning cost more than running them.
 */
export interface PreparedStatement {
  name: string;
  text: string;
}

export interface PreparedResult<T> {
  rows: T[];
  rowCount: number;
}

/** Runs a named statement on the runner's connection (inside its transaction, if one is open). */
export async function runPrepared<T extends QueryResultRow>(
  runner: QueryRunner,
  statement: PreparedStatement,
  values: unknown[],
): Promise<PreparedResult<T>> {
  // TypeORM's PostgreSQL query runner hands out its node-postgres client; its own query() sends unnamed statements.
  const client = (await runner.connect()) as PoolClient;
  const result = await client.query<T>({ name: statement.name, text: statement.text, values });
  return { rows: result.rows, rowCount: result.rowCount ?? 0 };
}

/** Serialization failure or deadlock: the same statement may succeed when run again. */
export function isTransientConflict(error: unknown): boolean {
  const code = sqlStateOf(error);
  return code === '40001' || code === '40P01';
}

/** The SQLSTATE of a failed query, from node-postgres directly or wrapped by TypeORM. */
export function sqlStateOf(error: unknown): string | undefined {
  const candidate = error as { driverError?: { code?: unknown }; code?: unknown } | null;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

const CONNECTION_LOST =
  /Connection terminated|connection error and is not queryable|Query runner already released|ECONNRESET|EPIPE/i;

/**
 * The connection broke (the server restarted or ended the session, the network dropped it): nothing the statement
 * did is kept unless a COMMIT had reached the server, so work guarded by idempotency keys may run again.
 */
export function isConnectionLost(error: unknown): boolean {
  const code = sqlStateOf(error);
  if (code !== undefined) return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
  const message = error instanceof Error ? error.message : '';
  return CONNECTION_LOST.test(message);
}
