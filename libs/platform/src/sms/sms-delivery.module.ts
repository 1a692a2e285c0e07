import { QUEUES } from '@casino/contracts';
import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DevSmsInbox } from './dev-sms-inbox';
import { DevSmsSink } from './dev-sms-sink.sender';
import { HTTP_SMS_GATEWAY_OPTIONS, HttpSmsGatewaySender, type HttpSmsGatewayOptions } from './http-sms-gateway.sender';
import { SmsProcessor } from './sms.processor';
import { SmsSender } from './sms-sender';

/** `http`: the SMS gateway; `log`: the development sink (the dev inbox in Redis; never in production). */
export type SmsDeliveryOptions = ({ sender: 'http' } & HttpSmsGatewayOptions) | { sender: 'log' };

/**
 * The `sms` queue's consumer: sends `SendSmsJobV1` jobs through the chosen sender. worker-etl runs it in
 * every environment; a process that only produces SMS (nest-app) does not import it. Uses the app's
 * `BullModule.forRoot` connection and, for the development sink, its `RedisModule`; registering the queue
 * here is what starts BullMQ's worker for it.
 */
@Module({})
export class SmsDeliveryModule {
  public static forRoot(options: SmsDeliveryOptions): DynamicModule {
    const sender: Provider[] =
      options.sender === 'http'
        ? [
            {
              provide: HTTP_SMS_GATEWAY_OPTIONS,
              useValue: { gatewayUrl: options.gatewayUrl, gatewayToken: options.gatewayToken },
            },
            { provide: SmsSender, useClass: HttpSmsGatewaySender },
          ]
        : [DevSmsInbox, { provide: SmsSender, useClass: DevSmsSink }];
    return {
      module: SmsDeliveryModule,
      imports: [BullModule.registerQueue({ name: QUEUES.SMS })],
      providers: [...sender, SmsProcessor],
    };
  }
}
