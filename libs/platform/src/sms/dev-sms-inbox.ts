import type { SendSmsJobV1 } from '@casino/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.module';

/** Under the app's `REDIS_KEY_PREFIX`: the worker that writes and the API that reads must share it. */
const INBOX_KEY = 'dev:sms-inbox';
const INBOX_SIZE = 200;
const INBOX_TTL_SECONDS = 24 * 3600;

export interface DevSmsMessage {
  to: string;
  text: string;
  template: string;
  sentAt: string;
}

/**
 * The development SMS inbox in Redis (the last 200 messages of a day): the development sink of the `sms`
 * queue's delivery (worker-etl) adds to it, nest-app's `GET /api/v1/dev/sms-inbox` and tests read it.
 * Never used in production (worker-etl refuses `SMS_SENDER=log` there; nest-app mounts the inbox
 * only in development, or with `DEV_SMS_INBOX_ENABLED=true` outside production).
 */
@Injectable()
export class DevSmsInbox {
  public constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  public async add(message: SendSmsJobV1, sentAt: Date = new Date()): Promise<void> {
    const entry: DevSmsMessage = {
      to: message.to,
      text: message.text,
      template: message.template,
      sentAt: sentAt.toISOString(),
    };
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
