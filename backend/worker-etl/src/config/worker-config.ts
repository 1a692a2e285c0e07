import {
  BooleanSetting,
  HttpHeaderToken,
  HttpsInProduction,
  IntegerSetting,
  NotDevelopmentDefaultInProduction,
  PlatformSettings,
  RequiredInProduction,
  type SmsDeliveryOptions,
} from '@casino/platform';
import { IsBoolean, IsIn, IsInt, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import type { ReportExportsOptions } from '../exports/report-exports.tokens';

/** SMS go out through the HTTP gateway (not the development sink, not switched off). */
function deliversThroughSmsGateway(config: WorkerConfig): boolean {
  return config.SMS_DELIVERY_ENABLED === true && config.SMS_SENDER === 'http';
}

/** The same development key as nest-app's (exports' links are signed by both apps): production sets its own. */
const DEV_REPORT_EXPORT_LINK_SECRET = 'dev-only-insecure-report-export-link-secret-0';

/** Settings of worker-etl, validated once at boot. */
export class WorkerConfig extends PlatformSettings {
  /** The worker serves only health and metrics over HTTP. */
  @IsString()
  public WORKER_HOST = '127.0.0.1';

  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(65535)
  public WORKER_PORT = 3001;

  /**
   * Load the domain events into ClickHouse's facts (wallet transactions, payment intents, registrations; ClickHouse
   * migration 002) through durable JetStream consumers, each row once (ADR 0015).
   */
  @BooleanSetting()
  @IsBoolean()
  public ETL_ENABLED = true;

  /** A batch is loaded when it holds this many events... */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(100_000)
  public ETL_BATCH_MAX_ROWS = 5000;

  /** ...or this long after its fetch began (JetStream's pull expiry: at least 1000 ms). */
  @IntegerSetting()
  @IsInt()
  @Min(1000)
  @Max(60_000)
  public ETL_BATCH_MAX_WAIT_MS = 1000;

  /** A delivered batch not acknowledged within this is delivered again (well above a batch's load time). */
  @IntegerSetting()
  @IsInt()
  @Min(5)
  @Max(3600)
  public ETL_ACK_WAIT_SECONDS = 60;

  /** The per-table load lock expires after this if its holder dies (longer than any batch's insert). */
  @IntegerSetting()
  @IsInt()
  @Min(1000)
  @Max(600_000)
  public ETL_LOAD_LOCK_TTL_MS = 30_000;

  /** How long a batch waits for another loader's lock before it is handed back for redelivery. */
  @IntegerSetting()
  @IsInt()
  @Min(100)
  @Max(600_000)
  public ETL_LOAD_LOCK_WAIT_MS = 20_000;

  /** `/health/ready` degrades (`etl_lag`) while events wait longer than this to be loaded. */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  public ETL_MAX_LAG_SECONDS = 300;

  /** Deliver the `mail` queue's jobs over SMTP (MailDev in development and tests). */
  @BooleanSetting()
  @IsBoolean()
  public MAIL_DELIVERY_ENABLED = true;

  @IsUrl({ protocols: ['smtp', 'smtps'], require_tld: false, require_protocol: true })
  public SMTP_URL = 'smtp://127.0.0.1:1025';

  @IsString()
  @MinLength(3)
  public MAIL_FROM = 'Casino <no-reply@example.test>';

  /** Deliver the `sms` queue's jobs through `SMS_SENDER`. */
  @BooleanSetting()
  @IsBoolean()
  public SMS_DELIVERY_ENABLED = true;

  /**
   * `log`: the development sink (the dev inbox in Redis that nest-app's `GET /api/v1/dev/sms-inbox` reads,
   * and a log line without the text); `http`: the SMS gateway at `SMS_GATEWAY_URL`. `log` is refused in
   * production when SMS delivery is on.
   */
  @ValidateIf((config: WorkerConfig) => config.SMS_DELIVERY_ENABLED === true)
  @IsIn(['log', 'http'])
  @NotDevelopmentDefaultInProduction('log')
  public SMS_SENDER: 'log' | 'http' = 'log';

  /**
   * The gateway's base URL (messages are `POST`ed to `{SMS_GATEWAY_URL}/messages`); required with `SMS_SENDER=http`.
   * No credentials in it (fetch refuses such a URL, quoting it): the token is `SMS_GATEWAY_TOKEN`. https in
   * production, where the token and the codes must not cross the network in clear; http for local gateways.
   */
  @ValidateIf((config: WorkerConfig) => config.SMS_GATEWAY_URL !== undefined || deliversThroughSmsGateway(config))
  @IsUrl(
    { protocols: ['http', 'https'], require_tld: false, require_protocol: true, disallow_auth: true },
    { message: 'SMS_GATEWAY_URL must be an http(s) URL without credentials' },
  )
  @HttpsInProduction()
  public SMS_GATEWAY_URL?: string;

  /**
   * The gateway's bearer token (a secret: never logged). Production refuses the gateway without it, which
   * would be called unauthenticated; a development or test gateway may do without.
   */
  @RequiredInProduction(
    deliversThroughSmsGateway,
    'with SMS_SENDER=http: the SMS gateway is never called unauthenticated',
  )
  @HttpHeaderToken()
  public SMS_GATEWAY_TOKEN?: string;

  /** Run the `reports` queue's export jobs (ClickHouse query into CSV, XLSX or Parquet files). */
  @BooleanSetting()
  @IsBoolean()
  public REPORT_EXPORTS_ENABLED = true;

  /**
   * Where export files are written (`exports/<exportId>.<format>` under it): an absolute directory nest-app's
   * `REPORT_EXPORT_DIR` names too, created at boot when missing.
   */
  @IsString()
  @Matches(/^\//, { message: 'REPORT_EXPORT_DIR must be an absolute directory' })
  public REPORT_EXPORT_DIR = '/var/tmp/casino/report-exports';

  /** ClickHouse's `max_execution_time` for an export's query, in seconds. */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(3600)
  public REPORT_EXPORT_MAX_EXECUTION_SECONDS = 300;

  /** nest-app's REPORT_EXPORT_LINK_SECRET: the links in scheduled reports' mails are signed here. */
  @IsString()
  @MinLength(32)
  @NotDevelopmentDefaultInProduction(DEV_REPORT_EXPORT_LINK_SECRET)
  public REPORT_EXPORT_LINK_SECRET = DEV_REPORT_EXPORT_LINK_SECRET;

  /** Where staff reach the platform (the gateway): mailed download links start with it. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @HttpsInProduction()
  public REPORT_EXPORT_PUBLIC_URL = 'http://127.0.0.1:8080';

  /** How long a mailed download link stays valid, in seconds (a mail is read later than a status page). */
  @IntegerSetting()
  @IsInt()
  @Min(300)
  @Max(1_209_600)
  public REPORT_SCHEDULE_LINK_TTL_SECONDS = 259_200;

  public get reportExports(): ReportExportsOptions {
    return {
      directory: this.REPORT_EXPORT_DIR,
      maxExecutionSeconds: this.REPORT_EXPORT_MAX_EXECUTION_SECONDS,
      mailedLinks: {
        secret: this.REPORT_EXPORT_LINK_SECRET,
        publicUrl: this.REPORT_EXPORT_PUBLIC_URL,
        ttlSeconds: this.REPORT_SCHEDULE_LINK_TTL_SECONDS,
      },
      clickhouse: {
        url: this.CLICKHOUSE_URL,
        database: this.CLICKHOUSE_DATABASE,
        username: this.CLICKHOUSE_USER,
        password: this.CLICKHOUSE_PASSWORD,
      },
    };
  }

  /** The SMS sender these settings name (validation guarantees `SMS_GATEWAY_URL` with `http`). */
  public get smsDelivery(): SmsDeliveryOptions {
    if (this.SMS_SENDER !== 'http') return { sender: 'log' };
    if (!this.SMS_GATEWAY_URL) throw new Error('SMS_GATEWAY_URL is required with SMS_SENDER=http');
    return { sender: 'http', gatewayUrl: this.SMS_GATEWAY_URL, gatewayToken: this.SMS_GATEWAY_TOKEN };
  }
}
