import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { DevSmsInbox } from './dev-sms-inbox';
import { DevSmsInboxController } from './dev-sms-inbox.controller';
import { DevSmsSink } from './dev-sms-sink.sender';
import { HttpSmsGatewaySender } from './http-sms-gateway.sender';
import { SmsDispatcher } from './sms-dispatcher';
import { SmsProcessor } from './sms.processor';
import { SmsSender } from './sms-sender';

/** The `sms` queue: producer (`SmsDispatcher`), consumer, and the sender chosen by `SMS_SENDER`. */
@Module({})
export class SmsModule {
  public static forRoot(config: AppConfig): DynamicModule {
    const devInboxAvailable = config.NODE_ENV === 'development' || config.NODE_ENV === 'test';
    return {
      module: SmsModule,
      controllers: devInboxAvailable ? [DevSmsInboxController] : [],
      providers: [
        SmsDispatcher,
        SmsProcessor,
        DevSmsInbox,
        { provide: SmsSender, useClass: config.SMS_SENDER === 'http' ? HttpSmsGatewaySender : DevSmsSink },
      ],
      exports: [SmsDispatcher],
    };
  }
}
