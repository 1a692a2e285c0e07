import { DomainError } from '@casino/contracts';
import { counterOf, REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { AppConfig } from '../../config/app-config';

export type OutboundChannel = 'mail' | 'sms';
/** A code may be refused; a notice (telling the player of a change) is only counted. */
export type OutboundKind = 'code' | 'notice';

const METRIC = 'outbound_messages_total';

/**
 * Mode `code` counts a code in the channel's window, or refuses it past the limit without counting it; `notice`
 * always counts; `check` counts nothing and refuses as `code` would. The window starts with its first message.
 * A refusal sets the window's `tripped` flag: only the first refusal of a window gets 1 back, and warns.
 * KEYS: the window's counter, its tripped flag. ARGV: window ms, limit, mode.
 * Returns {admitted (1/0), count, ms left in the window, first refusal (1/0)}.
 */
const ADMIT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = redis.call('PTTL', KEYS[1])
if ARGV[3] ~= 'notice' and count >= tonumber(ARGV[2]) and left > 0 then
  local first = redis.call('SET', KEYS[2], '1', 'PX', left, 'NX')
  return {0, count, left, first and 1 or 0}
end
if ARGV[3] == 'check' then return {1, count, left, 0} end
count = redis.call('INCR', KEYS[1])
if count == 1 or left <= 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {1, count, left, 0}`;

type AdmitMode = OutboundKind | 'check';

function messagesCounter(): Counter<'channel' | 'kind' | 'outcome'> {
  return counterOf(
    METRIC,
    'Mails and texts handed to the queues (outcome queued) or refused by the platform-wide circuit (outcome refused)',
    ['channel', 'kind', 'outcome'],
  );
}

/**
 * The platform-wide circuit of outgoing mails and texts (`OUTBOUND_*`): one counter per channel in Redis, shared by
 * every nest-app instance, so that no number of clients and addresses makes the platform a mail or SMS cannon.
 * Past the limit of a window, codes are refused with 503 CODE_DELIVERY_PAUSED (the same answer whoever asks, for
 * whatever address) until the window ends.
 */
@Injectable()
export class OutboundVolumeCircuit {
  private readonly logger = new Logger(OutboundVolumeCircuit.name);
  private readonly messages = messagesCounter();

  public constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /** Counts a code about to be queued, or throws CODE_DELIVERY_PAUSED past the channel's limit. */
  public async admitCode(channel: OutboundChannel): Promise<void> {
    await this.admit(channel, 'code');
  }

  /** Counts a notice about to be queued; never refused. */
  public async countNotice(channel: OutboundChannel): Promise<void> {
    await this.admit(channel, 'notice');
  }

  /**
   * Throws CODE_DELIVERY_PAUSED when the channel's window is already full, before a code request changes anything
   * (a code issued, a resend cooldown claimed); counts nothing: `admitCode` does when the code is queued.
   */
  public async assertAcceptingCodes(channel: OutboundChannel): Promise<void> {
    await this.admit(channel, 'check');
  }

  private async admit(channel: OutboundChannel, mode: AdmitMode): Promise<void> {
    const limit = this.limitOf(channel);
    const key = this.counterKey(channel);
    const [admitted, count, left, firstRefusal] = (await this.redis.eval(
      ADMIT,
      2,
      key,
      `${key}:tripped`,
      this.config.OUTBOUND_MESSAGE_WINDOW_SECONDS * 1000,
      limit,
      mode,
    )) as [number, number, number, number];
    const kind: OutboundKind = mode === 'notice' ? 'notice' : 'code';
    if (admitted === 1) {
      if (mode !== 'check') this.messages.inc({ channel, kind, outcome: 'queued' });
      return;
    }
    this.messages.inc({ channel, kind, outcome: 'refused' });
    if (firstRefusal === 1) {
      this.logger.warn(
        { channel, count, limit, windowSeconds: this.config.OUTBOUND_MESSAGE_WINDOW_SECONDS },
        'Outbound message limit reached platform-wide: codes are refused until the window ends',
      );
    }
    throw paused(left);
  }

  private limitOf(channel: OutboundChannel): number {
    return channel === 'mail' ? this.config.OUTBOUND_MAIL_LIMIT_PER_WINDOW : this.config.OUTBOUND_SMS_LIMIT_PER_WINDOW;
  }

  private counterKey(channel: OutboundChannel): string {
    return `outbound:${channel}`;
  }
}

function paused(leftMs: number): DomainError {
  return new DomainError('CODE_DELIVERY_PAUSED', 'Codes cannot be sent right now; try again later', {
    retryAfterSeconds: Math.max(1, Math.ceil(leftMs / 1000)),
  });
}
