import type { SendSmsJobV1 } from '@casino/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { SmsSender } from './sms-sender';

export interface HttpSmsGatewayOptions {
  /** The gateway's base URL; messages go to `{gatewayUrl}/messages`. */
  gatewayUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  gatewayToken?: string;
}

export const HTTP_SMS_GATEWAY_OPTIONS = Symbol('HTTP_SMS_GATEWAY_OPTIONS');

const GATEWAY_TIMEOUT_MS = 10_000;

/**
 * Sends through the HTTP SMS gateway: `POST {gatewayUrl}/messages` with the JSON body `{ "to", "text" }`
 * and the bearer token. Any 2xx is accepted; anything else (or no answer within 10 s) throws, so BullMQ
 * retries with back-off. The error names the status only: the gateway's body may echo the text, which
 * carries a one-time code.
 */
@Injectable()
export class HttpSmsGatewaySender extends SmsSender {
  private readonly messagesUrl: URL;

  public constructor(@Inject(HTTP_SMS_GATEWAY_OPTIONS) private readonly options: HttpSmsGatewayOptions) {
    super();
    const base = options.gatewayUrl.endsWith('/') ? options.gatewayUrl : `${options.gatewayUrl}/`;
    this.messagesUrl = new URL('messages', base);
  }

  public async send(message: SendSmsJobV1): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.gatewayToken) {
      headers['authorization'] = `Bearer ${this.options.gatewayToken}`;
    }
    const response = await fetch(this.messagesUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ to: message.to, text: message.text }),
      signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) {
      throw new Error(`SMS gateway answered ${response.status}`);
    }
  }
}
