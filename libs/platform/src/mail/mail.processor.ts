import { MAIL_JOBS, QUEUES, type SendEmailJobV1 } from '@casino/contracts';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import { createTransport, type Transporter } from 'nodemailer';
import { processTracedJob } from '../tracing/job-trace';
import { asJobFailure, asMailDeliveryError, deliveryFailureOf, MailDeliveryError } from './mail-delivery.error';

export interface MailDeliveryOptions {
  /** `smtp://` or `smtps://` (MailDev in development and tests). */
  smtpUrl: string;
  /** The From header of every mail. */
  from: string;
}

export const MAIL_DELIVERY_OPTIONS = Symbol('MAIL_DELIVERY_OPTIONS');

/**
 * Sends `mail` jobs over SMTP. Logs name the template and the job, never the recipient or the text: mails
 * carry one-time codes (the producer's queue deletes such jobs once sent). A failure leaves as a
 * `MailDeliveryError`, whose message BullMQ stores and `onFailed` logs; BullMQ retries it up to the job's
 * attempts, except a permanent one (the server refused the login, the sender, the recipients or the message
 * with a 5xx reply), which fails the job at once.
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

  public process(job: Job<SendEmailJobV1>): Promise<void> {
    return processTracedJob(QUEUES.MAIL, job, () => this.send(job));
  }

  private async send(job: Job<SendEmailJobV1>): Promise<void> {
    if (job.name !== MAIL_JOBS.SEND_EMAIL) {
      throw asJobFailure(new MailDeliveryError('MAIL_JOB_UNKNOWN', `Unknown mail job ${job.name}`, true));
    }
    const { to, subject, text, html } = job.data;
    await this.transport.sendMail({ from: this.options.from, to, subject, text, html }).catch((error: unknown) => {
      throw asJobFailure(asMailDeliveryError(error));
    });
    this.logger.log({ jobId: job.id, template: job.data.template }, 'Mail sent');
  }

  @OnWorkerEvent('failed')
  public onFailed(job: Job<SendEmailJobV1> | undefined, error: Error): void {
    const failure = deliveryFailureOf(error);
    this.logger.warn(
      {
        jobId: job?.id,
        template: job?.data.template,
        errorCode: failure?.code,
        permanent: failure?.permanent,
        attemptsMade: job?.attemptsMade,
        reason: error.message,
      },
      'Mail not sent',
    );
  }

  public onModuleDestroy(): void {
    this.transport.close();
  }
}
