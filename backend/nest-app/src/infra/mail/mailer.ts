import { MAIL_JOBS, QUEUES, type SendEmailJobV1 } from '@casino/contracts';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';

/** Producer side of the `mail` queue: modules hand a mail over and return at once. */
@Injectable()
export class Mailer {
  public constructor(@InjectQueue(QUEUES.MAIL) private readonly queue: Queue<SendEmailJobV1>) {}

  public async send(mail: SendEmailJobV1): Promise<void> {
    await this.queue.add(MAIL_JOBS.SEND_EMAIL, mail);
  }
}
