import { DevSmsInbox } from '@casino/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { DevSmsInboxController } from './dev-sms-inbox.controller';

/**
 * In development and test only, the dev inbox (`GET /api/v1/dev/sms-inbox`), which reads what the worker's
 * development sink stored in Redis; elsewhere nothing.
 */
@Module({})
export class DevSmsInboxModule {
  public static forRoot(config: AppConfig): DynamicModule {
    const available = config.NODE_ENV === 'development' || config.NODE_ENV === 'test';
    return {
      module: DevSmsInboxModule,
      controllers: available ? [DevSmsInboxController] : [],
      providers: available ? [DevSmsInbox] : [],
    };
  }
}
