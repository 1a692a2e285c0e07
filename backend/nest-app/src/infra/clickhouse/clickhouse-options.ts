import type { ClickHouseOptions } from '@casino/platform';
import type { AppConfig } from '../../config/app-config';

export function clickHouseOptions(config: AppConfig): ClickHouseOptions {
  return {
    url: config.CLICKHOUSE_URL,
    database: config.CLICKHOUSE_DATABASE,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  };
}
