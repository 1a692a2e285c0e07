import { DevSmsInbox } from '@casino/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { DevSmsInboxController } from './dev-sms-inbox.controller';

/**
 * The dev inbox (`GET /api/v1/dev/sms-inbox`), which reads what the worker's development sink stored in Redis,
 * only when `AppConfig.devSmsInboxEnabled` (development, or `DEV_SMS_INBOX_ENABLED=true` outside production);
 * elsewhere nothing: not a route, not a provider.
 */
@Module({})
export class DevSmsInboxModule {
  public static forRoot(config: AppConfig): DynamicModule {
    const available = config.devSmsInboxEnabled;
    return {
      module: DevSmsInboxModule,
      controllers: available ? [DevSmsInboxController] : [],
      providers: available ? [DevSmsInbox] : [],
    };
  }
}
