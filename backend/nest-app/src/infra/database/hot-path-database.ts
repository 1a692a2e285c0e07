import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type QueryResultRow } from 'pg';
import { AppConfig } from '../../config/app-config';
import type { PreparedStatement } from './prepared-statement';

/** Connections of the hot-path pool: one per coalesced statement kind, and some slack. */
const HOT_PATH_POOL_SIZE = 8;

/**
 * The pool of the coalesced set-based statements of the money path (ADR 0011), each a named prepared
 * statement run on its own (autocommit). Its sessions use generic plans only: PostgreSQL would otherwise
 * re-plan these statements on every call, because a plan made for their array parameters' actual length always
 * looks cheaper than the generic one, and planning them cost more than running them. And they read and write
 * rows by key only, from a few inputs each: a sequential scan in one of their plans is always a misestimate (a
 * plan made while a table was new and empty keeps scanning it whole as it grows, once per input row), so their
 * sessions rule it out wherever an index can serve (`enable_seqscan=off`). Everything else keeps the main pool
 * and PostgreSQL's default plan choice.
 */
@Injectable()
export class HotPathDatabase implements OnApplicationShutdown {
  private readonly pool: Pool;

  public constructor(config: AppConfig) {
    this.pool = new Pool({
      connectionString: config.DATABASE_URL,
      max: HOT_PATH_POOL_SIZE,
      application_name: 'casino-nest-app-hot-path',
      options: '-c plan_cache_mode=force_generic_plan -c enable_seqscan=off',
    });
    // An idle connection the server dropped must not crash the process; the next query opens a new one.
    this.pool.on('error', () => undefined);
  }

  public async query<T extends QueryResultRow>(statement: PreparedStatement, values: unknown[]): Promise<T[]> {
    const result = await this.pool.query<T>({ name: statement.name, text: statement.text, values });
    return result.rows;
  }

  /** Answers once a connection of this pool runs a statement (readiness). */
  public async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  public async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
