import { join } from 'node:path';

/** Numbered ClickHouse SQL migrations owned by nest-app; copied beside the compiled code at build. */
export const CLICKHOUSE_MIGRATIONS_DIR = join(__dirname, 'migrations');
