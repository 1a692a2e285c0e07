import type { SendSmsJobV1 } from '@casino/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { errorKind } from '../errors/error-kind';
import { isPermanentGatewayStatus, SmsDeliveryError } from './sms-delivery.error';
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
 * and the bearer token. Any 2xx is accepted; anything else (or no answer within 10 s) throws. A 4xx other
 * than 408, 425 and 429 (a bad number, a bad token, a wrong path) is permanent: the same text would be
 * refused again, so the job fails at once. A 5xx, 408, 425, 429, a timeout or a network error is transient
 * and BullMQ retries it with back-off. Errors name the status or the kind of failure only: the gateway's
 * body may echo the text, which carries a one-time code, and fetch's own errors may quote the token.
 *
 * Redirects are never followed: a 307 or 308 would make fetch send the same body, with its one-time code,
 * to wherever `Location` points. A 3xx is a permanent failure: `gatewayUrl` is not the gateway's final
 * address, and asking it again would be answered the same way.
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
    const response = await this.post(message);
    await response.body?.cancel();
    if (isRedirect(response.status)) {
      throw new SmsDeliveryError(
        'SMS_GATEWAY_REDIRECTED',
        `SMS gateway answered ${response.status}, not followed`,
        true,
      );
    }
    if (!response.ok) {
      throw new SmsDeliveryError(
        'SMS_GATEWAY_REJECTED',
        `SMS gateway answered ${response.status}`,
        isPermanentGatewayStatus(response.status),
      );
    }
  }

  private async post(message: SendSmsJobV1): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.gatewayToken) {
      headers['authorization'] = `Bearer ${this.options.gatewayToken}`;
    }
    try {
      return await fetch(this.messagesUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: message.to, text: message.text }),
        redirect: 'manual',
        signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
      });
    } catch (error) {
      throw requestFailure(error);
    }
  }
}

/** The statuses fetch would follow (RFC 9110 §15.4; 307 and 308 with the same method and body). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

function requestFailure(error: unknown): SmsDeliveryError {
  const kind = errorKind(error);
  if (kind === 'TimeoutError') {
    return new SmsDeliveryError('SMS_GATEWAY_TIMEOUT', `SMS gateway did not answer within ${GATEWAY_TIMEOUT_MS} ms`);
  }
  return new SmsDeliveryError('SMS_GATEWAY_REQUEST_FAILED', `SMS gateway request failed (${kind})`);
}
