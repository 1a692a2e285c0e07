import { MAIL_JOBS, QUEUES, type SendEmailJobV1 } from '@casino/contracts';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import { createTransport, type Transporter } from 'nodemailer';

export interface MailDeliveryOptions {
  /** `smtp://` or `smtps://` (MailDev in development and tests). */
  smtpUrl: string;
  /** The From header of every mail. */
  from: string;
}

export const MAIL_DELIVERY_OPTIONS = Symbol('MAIL_DELIVERY_OPTIONS');

/**
 * Sends `mail` jobs over SMTP. Logs name the template and the job, never the text: mails carry one-time
 * codes (the producer's queue deletes such jobs once sent).
 */
@Injectable()
@Processor(QUEUES.MAIL)
export class MailProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger(MailProcessor.name);
  private readonly transport: Transporter;

  public constructor(@Inject(MAIL_DELIVERY_OPTIONS) private readonly options: MailDeliveryOptions) {
    super();
    this.transport = createTransport(options.smtpUrl);
  }

  public async process(job: Job<SendEmailJobV1>): Promise<void> {
    if (job.name !== MAIL_JOBS.SEND_EMAIL) {
      throw new Error(`Unknown mail job ${job.name}`);
    }
    const { to, subject, text, html } = job.data;
    await this.transport.sendMail({ from: this.options.from, to, subject, text, html });
    this.logger.log({ jobId: job.id, template: job.data.template }, 'Mail sent');
  }

  @OnWorkerEvent('failed')
  public onFailed(job: Job<SendEmailJobV1> | undefined, error: Error): void {
    this.logger.warn({ jobId: job?.id, template: job?.data.template, reason: error.message }, 'Mail not sent');
  }

  public onModuleDestroy(): void {
    this.transport.close();
  }
}
