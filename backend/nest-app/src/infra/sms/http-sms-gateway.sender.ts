import type { SendSmsJobV1 } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SmsSender } from './sms-sender';

const GATEWAY_TIMEOUT_MS = 10_000;

/**
 * Sends through an HTTP SMS gateway: `POST {SMS_GATEWAY_URL}/messages { to, text }` with the bearer
 * token `SMS_GATEWAY_TOKEN`. A non-2xx answer throws, so BullMQ retries with backoff.
 */
@Injectable()
export class HttpSmsGatewaySender extends SmsSender {
  public constructor(private readonly config: AppConfig) {
    super();
  }

  public async send(message: SendSmsJobV1): Promise<void> {
    if (!this.config.SMS_GATEWAY_URL) {
      throw new Error('SMS_GATEWAY_URL is not set');
    }
    const url = new URL(
      'messages',
      this.config.SMS_GATEWAY_URL.endsWith('/') ? this.config.SMS_GATEWAY_URL : `${this.config.SMS_GATEWAY_URL}/`,
    );
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.config.SMS_GATEWAY_TOKEN) {
      headers['authorization'] = `Bearer ${this.config.SMS_GATEWAY_TOKEN}`;
    }
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ to: message.to, text: message.text }),
      signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new Error(`SMS gateway answered ${response.status}`);
    }
  }
}
