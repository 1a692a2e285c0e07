import type { SendSmsJobV1 } from '@casino/contracts';
import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Clock } from '../../common/time/clock';

const INBOX_KEY = 'dev:sms-inbox';
const INBOX_SIZE = 200;
const INBOX_TTL_SECONDS = 24 * 3600;

export interface DevSmsMessage {
  to: string;
  text: string;
  template: string;
  sentAt: string;
}

/** The development SMS inbox in Redis (the last 200 messages of a day); never used in production. */
@Injectable()
export class DevSmsInbox {
  public constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  public async add(message: SendSmsJobV1): Promise<void> {
    const entry: DevSmsMessage = { ...message, sentAt: this.clock.now().toISOString() };
    await this.redis
      .multi()
      .lpush(INBOX_KEY, JSON.stringify(entry))
      .ltrim(INBOX_KEY, 0, INBOX_SIZE - 1)
      .expire(INBOX_KEY, INBOX_TTL_SECONDS)
      .exec();
  }

  /** Newest first, optionally only those sent to `to`. */
  public async list(to?: string): Promise<DevSmsMessage[]> {
    const raw = await this.redis.lrange(INBOX_KEY, 0, INBOX_SIZE - 1);
    const messages = raw.map((item) => JSON.parse(item) as DevSmsMessage);
    return to ? messages.filter((message) => message.to === to) : messages;
  }
}
