import { loadConfig, NotDevelopmentDefaultInProduction, readEnvironment } from '@casino/platform';
import { IsUrl } from 'class-validator';
import { WorkerConfig } from './worker-config';

const DEV_DATABASE_URL = 'postgres://casino:casino@127.0.0.1:5432/casino';

/**
 * `npm run etl:backfill`: worker-etl's settings (ClickHouse, Redis of the load locks, ETL_BATCH_MAX_ROWS as the
 * page size) plus the PostgreSQL it reads the ledger from. Only the backfill reads PostgreSQL, so the worker itself
 * does not require DATABASE_URL.
 */
export class EtlBackfillConfig extends WorkerConfig {
  /** nest-app's database (the same setting and development default); a reader's role is enough. */
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  @NotDevelopmentDefaultInProduction(DEV_DATABASE_URL)
  public DATABASE_URL = DEV_DATABASE_URL;
}

export function loadEtlBackfillConfig(overrides: Record<string, string> = {}): EtlBackfillConfig {
  return loadConfig(EtlBackfillConfig, { ...readEnvironment(), ...overrides });
}
