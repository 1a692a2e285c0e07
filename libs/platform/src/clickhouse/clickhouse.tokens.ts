export const CLICKHOUSE_CLIENT = Symbol('CLICKHOUSE_CLIENT');

export interface ClickHouseOptions {
  url: string;
  database: string;
  username: string;
  password: string;
}
