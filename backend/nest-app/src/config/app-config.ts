import { BooleanSetting, IntegerSetting, PlatformSettings } from '@casino/platform';
import { IsBoolean, IsInt, IsString, IsUrl, Max, Min } from 'class-validator';

/** Every setting of nest-app, validated once at boot. Defaults are safe for development only. */
export class AppConfig extends PlatformSettings {
  @IsString()
  public API_HOST = '127.0.0.1';

  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(65535)
  public API_PORT = 3000;

  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false })
  public DATABASE_URL = 'postgres://casino:casino@127.0.0.1:5432/casino';

  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(200)
  public DATABASE_POOL_SIZE = 20;

  /** Apply pending migrations at start. Ignored in production, where `npm run migration:run` does it. */
  @BooleanSetting()
  @IsBoolean()
  public MIGRATIONS_RUN_ON_START = true;

  public get migrateOnStart(): boolean {
    return !this.isProduction && this.MIGRATIONS_RUN_ON_START;
  }
}
