import { MAIL_JOBS, QUEUES, type SendEmailJobV1 } from '@casino/contracts';
import { tracedJob } from '@casino/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { OutboundVolumeCircuit } from '../outbound/outbound-volume.circuit';

/**
 * Producer side of the `mail` queue: modules hand a mail over and return at once. Every mail passes the
 * platform-wide circuit (OutboundVolumeCircuit): a code past its limit is refused, a notice only counted.
 */
@Injectable()
export class Mailer {
  public constructor(
    @InjectQueue(QUEUES.MAIL) private readonly queue: Queue<SendEmailJobV1>,
    private readonly circuit: OutboundVolumeCircuit,
  ) {}

  /** A mail carrying a one-time code; CODE_DELIVERY_PAUSED when the platform sent its limit this window. */
  public async sendCode(mail: SendEmailJobV1): Promise<void> {
    await this.circuit.admitCode('mail');
    await this.queue.add(MAIL_JOBS.SEND_EMAIL, tracedJob(mail));
  }

  /** A notice (no code): counted, never refused. */
  public async sendNotice(mail: SendEmailJobV1): Promise<void> {
    await this.circuit.countNotice('mail');
    await this.queue.add(MAIL_JOBS.SEND_EMAIL, tracedJob(mail));
  }
}
