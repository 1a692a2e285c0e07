import { Module } from '@nestjs/common';
import { OutboundModule } from '../outbound/outbound.module';
import { SmsDispatcher } from './sms-dispatcher';

/**
 * The `sms` queue's producer (`SmsDispatcher`), the one path by which nest-app sends a text; worker-etl
 * delivers the jobs (`SmsDeliveryModule`).
 */
@Module({ imports: [OutboundModule], providers: [SmsDispatcher], exports: [SmsDispatcher] })
export class SmsModule {}
