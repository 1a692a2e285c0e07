import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { parseLokiLabels, type LokiShipping } from '../logging/loki-shipping';
import {
  BooleanSetting,
  ClickHouseReplicaUrls,
  HttpHeaderToken,
  IntegerSetting,
  LokiLabels,
  NatsServers,
  RequiredInProduction,
} from './setting-decorators';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Settings every app shares (same names, same meaning, one `.env`). Each app's config class
 * extends this with its own. Defaults are safe for development only.
 */
export class PlatformSettings {
  @IsIn(['development', 'test', 'production'])
  public NODE_ENV = 'development';

  @IsIn(LOG_LEVELS)
  public LOG_LEVEL = 'info';

  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  public REDIS_URL = 'redis://127.0.0.1:6379';

  @Matches(/^[A-Za-z0-9_:-]*$/)
  public REDIS_KEY_PREFIX = 'casino:';

  @Matches(/^[A-Za-z0-9_-]+$/)
  public QUEUE_PREFIX = 'casino-bull';

  @NatsServers()
  public NATS_URL = 'nats://127.0.0.1:4222';

  @Matches(NAME_PATTERN)
  public NATS_SUBJECT_PREFIX = 'casino';

  @IntegerSetting()
  @IsInt()
  @Min(10)
  @Max(86400)
  public NATS_DUPLICATE_WINDOW_SECONDS = 120;

  /** Copies JetStream keeps of each event stream: 1 on a single node, 3 on the cluster of docs/scaling.md. */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(5)
  public NATS_STREAM_REPLICAS = 1;

  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public CLICKHOUSE_URL = 'http://127.0.0.1:8123';

  @Matches(NAME_PATTERN)
  public CLICKHOUSE_DATABASE = 'casino';

  @IsString()
  public CLICKHOUSE_USER = 'default';

  @IsString()
  public CLICKHOUSE_PASSWORD = '';

  /**
   * ClickHouse runs as replicas (scripts/ch-cluster.sh, ADR 0032): migrations create Replicated*MergeTree tables on
   * each of CLICKHOUSE_REPLICA_URLS, while CLICKHOUSE_URL (an HAProxy in front of them) serves inserts and reports.
   */
  @BooleanSetting()
  @IsBoolean()
  public CLICKHOUSE_REPLICATED = false;

  @ClickHouseReplicaUrls()
  public CLICKHOUSE_REPLICA_URLS = '';

  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; tracing is off when unset. */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  /**
   * Nesting allowed in a request's JSON body, query or path values; deeper is refused with 400 INPUT_TOO_DEEP
   * before validation (whose recursion a few thousand levels would overflow).
   */
  @IntegerSetting()
  @IsInt()
  @Min(4)
  @Max(256)
  public API_MAX_JSON_DEPTH = 32;

  /**
   * The bearer token `GET /metrics` requires (a secret: Prometheus sends it as `bearer_token`). Unset, metrics are
   * open, which production refuses: they name routes, queues and internal figures.
   */
  @RequiredInProduction(() => true, 'so that /metrics is not open to anyone who can reach the port')
  @HttpHeaderToken()
  public METRICS_TOKEN?: string;

  /** Loki's base URL (e.g. http://loki:3100): every JSON line is also pushed to `/loki/api/v1/push`. Off when unset. */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public LOKI_URL?: string;

  /** Extra stream labels, `name=value,...` (fixed per deployment: never a player, request or trace id). */
  @LokiLabels()
  public LOKI_LABELS = '';

  /** Lines are pushed in one batch this often. */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(60)
  public LOKI_BATCH_INTERVAL_SECONDS = 5;

  /** A push Loki has not answered by then is dropped (stdout keeps the lines). */
  @IntegerSetting()
  @IsInt()
  @Min(100)
  @Max(60_000)
  public LOKI_TIMEOUT_MS = 5_000;

  public get lokiShipping(): LokiShipping {
    return {
      url: this.LOKI_URL,
      labels: parseLokiLabels(this.LOKI_LABELS),
      batchIntervalSeconds: this.LOKI_BATCH_INTERVAL_SECONDS,
      timeoutMs: this.LOKI_TIMEOUT_MS,
    };
  }

  public get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }
}
