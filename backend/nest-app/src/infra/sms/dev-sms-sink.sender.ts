import type { SendSmsJobV1 } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DevSmsInbox } from './dev-sms-inbox';
import { maskPhone, SmsSender } from './sms-sender';

/**
 * The development sink: logs that a message went out (masked number and template, never the text,
 * which carries codes) and keeps it in the dev inbox (`GET /api/v1/dev/sms-inbox`).
 */
@Injectable()
export class DevSmsSink extends SmsSender {
  private readonly logger = new Logger('DevSmsSink');

  public constructor(private readonly inbox: DevSmsInbox) {
    super();
  }

  public async send(message: SendSmsJobV1): Promise<void> {
    await this.inbox.add(message);
    this.logger.log({ to: maskPhone(message.to), template: message.template }, 'SMS delivered to the dev inbox');
  }
}
