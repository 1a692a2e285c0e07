import { SetMetadata } from '@nestjs/common';
import type { OutboundChannel } from '../../../infra/outbound/outbound-volume.circuit';

export const CODE_REQUEST_KEY = 'auth:codeRequest';

export interface CodeRequestOptions {
  /** The mail or text the route sends. */
  channel: OutboundChannel;
  /** Only requests whose body has this field send a code (a profile update that changes the phone). */
  whenBodyHas?: string;
}

/**
 * The route sends a one-time code by mail or text: CodeRequestGuard limits it per client IP
 * (AUTH_CODE_RATE_LIMIT_PER_IP) and refuses it while the platform-wide circuit of that channel is full.
 */
export const CodeRequest = (
  channel: OutboundChannel,
  options: Omit<CodeRequestOptions, 'channel'> = {},
): MethodDecorator => SetMetadata(CODE_REQUEST_KEY, { channel, ...options } satisfies CodeRequestOptions);
