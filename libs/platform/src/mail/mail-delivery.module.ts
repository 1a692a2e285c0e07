import { QUEUES } from '@casino/contracts';
import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { MAIL_DELIVERY_OPTIONS, MailProcessor, type MailDeliveryOptions } from './mail.processor';

/**
 * The `mail` queue's consumer: sends `SendEmailJobV1` jobs over SMTP. worker-etl runs it in every
 * environment; a process that only produces mail (nest-app) does not import it. Uses the app's
 * `BullModule.forRoot` connection; registering the queue here is what starts BullMQ's worker for it.
 */
@Module({})
export class MailDeliveryModule {
  public static forRoot(options: MailDeliveryOptions): DynamicModule {
    return {
      module: MailDeliveryModule,
      imports: [BullModule.registerQueue({ name: QUEUES.MAIL })],
      providers: [{ provide: MAIL_DELIVERY_OPTIONS, useValue: options }, MailProcessor],
    };
  }
}
