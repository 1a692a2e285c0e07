import { BooleanSetting, IntegerSetting, PlatformSettings } from '@casino/platform';
import { IsBoolean, IsInt, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';

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

  /** Load completed wallet transactions from JetStream into ClickHouse `wallet_entries`. */
  @BooleanSetting()
  @IsBoolean()
  public WALLET_ENTRIES_LOADER_ENABLED = true;

  /** Deliver the `mail` queue's jobs over SMTP (MailDev in development and tests). */
  @BooleanSetting()
  @IsBoolean()
  public MAIL_DELIVERY_ENABLED = true;

  @IsUrl({ protocols: ['smtp', 'smtps'], require_tld: false, require_protocol: true })
  public SMTP_URL = 'smtp://127.0.0.1:1025';

  @IsString()
  @MinLength(3)
  public MAIL_FROM = 'Casino <no-reply@example.test>';
}
