import { QUEUES, SMS_JOBS, type SendSmsJobV1 } from '@casino/contracts';
import { tracedJob } from '@casino/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { OutboundVolumeCircuit } from '../outbound/outbound-volume.circuit';

/**
 * Producer side of the `sms` queue, and the only one: every text nest-app sends (2FA, phone changes) carries a
 * code, passes the platform-wide circuit (OutboundVolumeCircuit) and is queued here, with the queue's options for
 * jobs that carry codes (see QueueModule).
 */
@Injectable()
export class SmsDispatcher {
  public constructor(
    @InjectQueue(QUEUES.SMS) private readonly queue: Queue<SendSmsJobV1>,
    private readonly circuit: OutboundVolumeCircuit,
  ) {}

  /** CODE_DELIVERY_PAUSED when the platform sent its limit of texts this window. */
  public async sendCode(message: SendSmsJobV1): Promise<void> {
    await this.circuit.admitCode('sms');
    await this.queue.add(SMS_JOBS.SEND_SMS, tracedJob(message));
  }
}
