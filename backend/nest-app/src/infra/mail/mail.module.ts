import { Module } from '@nestjs/common';
import { MailProcessor } from './mail.processor';
import { Mailer } from './mailer';

/** The `mail` queue's producer (`Mailer`) and, for now, its SMTP consumer. */
@Module({ providers: [Mailer, MailProcessor], exports: [Mailer] })
export class MailModule {}
