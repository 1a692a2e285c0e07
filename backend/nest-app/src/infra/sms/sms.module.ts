import { DevSmsInbox } from '@casino/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { DevSmsInboxController } from './dev-sms-inbox.controller';
import { SmsDispatcher } from './sms-dispatcher';

/**
 * The `sms` queue's producer (`SmsDispatcher`); worker-etl delivers the jobs (`SmsDeliveryModule`). In
 * development and test, also the dev inbox (`GET /api/v1/dev/sms-inbox`), which reads what the worker's
 * development sink stored in Redis.
 */
@Module({})
export class SmsModule {
  public static forRoot(config: AppConfig): DynamicModule {
    const devInboxAvailable = config.NODE_ENV === 'development' || config.NODE_ENV === 'test';
    return {
      module: SmsModule,
      controllers: devInboxAvailable ? [DevSmsInboxController] : [],
      providers: [SmsDispatcher, ...(devInboxAvailable ? [DevSmsInbox] : [])],
      exports: [SmsDispatcher],
    };
  }
}
