import { MAIL_JOBS, QUEUES, type SendEmailJobV1 } from '@casino/contracts';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '../../config/app-config';

/**
 * Sends `mail` jobs over SMTP (MailDev in development and tests). Lives in nest-app for now and
 * is meant to move to worker-etl, which consumes the same `SendEmailJobV1` contract.
 * Logs name the template and the job, never the text: mails carry one-time codes.
 */
@Injectable()
@Processor(QUEUES.MAIL)
export class MailProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger(MailProcessor.name);
  private readonly transport: Transporter;

  public constructor(private readonly config: AppConfig) {
    super();
    this.transport = createTransport(config.SMTP_URL);
  }

  public async process(job: Job<SendEmailJobV1>): Promise<void> {
    if (job.name !== MAIL_JOBS.SEND_EMAIL) {
      throw new Error(`Unknown mail job ${job.name}`);
    }
    const { to, subject, text, html } = job.data;
    await this.transport.sendMail({ from: this.config.MAIL_FROM, to, subject, text, html });
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
