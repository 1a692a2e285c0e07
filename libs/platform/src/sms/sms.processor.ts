import { QUEUES, SMS_JOBS, type SendSmsJobV1 } from '@casino/contracts';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { asSmsDeliveryError, asSmsJobFailure, SmsDeliveryError, smsDeliveryFailureOf } from './sms-delivery.error';
import { maskPhone, SmsSender } from './sms-sender';
import { processTracedJob } from '../tracing/job-trace';

/**
 * Delivers `sms` jobs through the configured sender. Logs name the job, the masked number and the
 * template, never the text: texts carry one-time codes (the producer's queue deletes such jobs once sent).
 * A failure leaves as an `SmsDeliveryError`, whose message BullMQ stores and `onFailed` logs; BullMQ retries
 * it up to the job's attempts, except a permanent one (the gateway refused the text with a 4xx other than
 * 408, 425 or 429, answered with a redirect, or the job's name is unknown), which fails the job at once.
 */
@Injectable()
@Processor(QUEUES.SMS)
export class SmsProcessor extends WorkerHost {
  private readonly logger = new Logger(SmsProcessor.name);

  public constructor(private readonly sender: SmsSender) {
    super();
  }

  public process(job: Job<SendSmsJobV1>): Promise<void> {
    return processTracedJob(QUEUES.SMS, job, () => this.send(job));
  }

  private async send(job: Job<SendSmsJobV1>): Promise<void> {
    if (job.name !== SMS_JOBS.SEND_SMS) {
      throw asSmsJobFailure(new SmsDeliveryError('SMS_JOB_UNKNOWN', `Unknown sms job ${job.name}`, true));
    }
    const { to, text, template } = job.data;
    await this.sender.send({ to, text, template }).catch((error: unknown) => {
      throw asSmsJobFailure(asSmsDeliveryError(error));
    });
    this.logger.log({ jobId: job.id, to: maskPhone(job.data.to), template: job.data.template }, 'SMS sent');
  }

  @OnWorkerEvent('failed')
  public onFailed(job: Job<SendSmsJobV1> | undefined, error: Error): void {
    const failure = smsDeliveryFailureOf(error);
    this.logger.warn(
      {
        jobId: job?.id,
        to: job ? maskPhone(job.data.to) : undefined,
        template: job?.data.template,
        errorCode: failure?.code,
        permanent: failure?.permanent,
        attemptsMade: job?.attemptsMade,
        reason: error.message,
      },
      'SMS not sent',
    );
  }
}
