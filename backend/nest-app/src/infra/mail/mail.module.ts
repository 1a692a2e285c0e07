import { Module } from '@nestjs/common';
import { Mailer } from './mailer';

/** The `mail` queue's producer (`Mailer`); worker-etl delivers the jobs over SMTP (`MailDeliveryModule`). */
@Module({ providers: [Mailer], exports: [Mailer] })
export class MailModule {}
