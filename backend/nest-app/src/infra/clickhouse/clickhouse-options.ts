import { urlList, type ClickHouseOptions, type ClickHouseReplication } from '@casino/platform';
import type { AppConfig } from '../../config/app-config';

export function clickHouseOptions(config: AppConfig): ClickHouseOptions {
  return {
    url: config.CLICKHOUSE_URL,
    database: config.CLICKHOUSE_DATABASE,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  };
}

/** The replicas the migrations run on when ClickHouse is replicated (ADR 0032); undefined on a single node. */
export function clickHouseReplication(config: AppConfig): ClickHouseReplication | undefined {
  return config.CLICKHOUSE_REPLICATED ? { replicaUrls: urlList(config.CLICKHOUSE_REPLICA_URLS) } : undefined;
}
