import type { SendSmsJobV1 } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DevSmsInbox } from './dev-sms-inbox';
import { maskPhone, SmsSender } from './sms-sender';

/**
 * The development sink: keeps the message in the dev inbox in Redis (read through nest-app's
 * `GET /api/v1/dev/sms-inbox`) and logs that it went out (masked number and template, never the text,
 * which carries codes).
 */
@Injectable()
export class DevSmsSink extends SmsSender {
  private readonly logger = new Logger(DevSmsSink.name);

  public constructor(private readonly inbox: DevSmsInbox) {
    super();
  }

  public async send(message: SendSmsJobV1): Promise<void> {
    await this.inbox.add(message);
    this.logger.log({ to: maskPhone(message.to), template: message.template }, 'SMS delivered to the dev inbox');
  }
}
