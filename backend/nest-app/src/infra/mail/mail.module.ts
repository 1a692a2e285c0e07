import { Module } from '@nestjs/common';
import { OutboundModule } from '../outbound/outbound.module';
import { Mailer } from './mailer';

/** The `mail` queue's producer (`Mailer`); worker-etl delivers the jobs over SMTP (`MailDeliveryModule`). */
@Module({ imports: [OutboundModule], providers: [Mailer], exports: [Mailer] })
export class MailModule {}
