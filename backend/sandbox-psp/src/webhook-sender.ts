import { createHmac, randomBytes } from 'node:crypto';

export interface StripeStyleEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  type: string;
  livemode: false;
  pending_webhooks: number;
  data: { object: unknown };
}

export interface DeliveryOptions {
  /** Send every event twice (a PSP retrying after a lost acknowledgement). */
  duplicate?: boolean;
  /** Send the events of one action in reverse order. */
  outOfOrder?: boolean;
}

export interface DeliveryRecord {
  eventId: string;
  type: string;
  status: number | 'error';
  attempt: number;
  at: string;
}

const MAX_ATTEMPTS = 5;

export function buildEvent(type: string, object: unknown, created: number): StripeStyleEvent {
  return {
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2025-10-29',
    created,
    type,
    livemode: false,
    pending_webhooks: 1,
    data: { object: JSON.parse(JSON.stringify(object)) as unknown },
  };
}

/** `t=…,v1=…` with one v1 per secret, HMAC-SHA256 of `t.body`: Stripe's scheme. */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  const signatures = secrets.map(
    (secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  );
  return [`t=${timestamp}`, ...signatures].join(',');
}

/**
 * Delivers signed webhooks asynchronously, one action's events in sequence, retrying with backoff
 * on anything but a 2xx, the way a real PSP does. Signs at send time, so a retry is fresh.
 */
export class WebhookSender {
  public readonly deliveries: DeliveryRecord[] = [];
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private held: StripeStyleEvent[] | null = null;

  public constructor(
    private readonly settings: { webhookUrl: string; webhookSecrets: string[]; webhookDelayMs: number },
  ) {}

  public setWebhookUrl(url: string): void {
    this.settings.webhookUrl = url;
  }

  public send(events: StripeStyleEvent[], options: DeliveryOptions = {}): void {
    let ordered = options.outOfOrder ? [...events].reverse() : [...events];
    if (options.duplicate) ordered = ordered.flatMap((event) => [event, event]);
    if (this.held) {
      this.held.push(...ordered);
      return;
    }
    this.queue = this.queue.then(async () => {
      for (const event of ordered) {
        await sleep(this.settings.webhookDelayMs);
        await this.deliver(event);
      }
    });
  }

  /** Keeps the events of every action from now on, undelivered (a lost or late webhook), until `release`. */
  public hold(): void {
    this.held ??= [];
  }

  /** Delivers the held events, in order, and delivers as usual again. */
  public release(): void {
    const held = this.held ?? [];
    this.held = null;
    if (held.length > 0) this.send(held);
  }

  /** Resolves once everything queued so far has been delivered (or given up on). */
  public idle(): Promise<void> {
    return this.queue;
  }

  public stop(): void {
    this.stopped = true;
  }

  private async deliver(event: StripeStyleEvent): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !this.stopped; attempt += 1) {
      const timestamp = Math.floor(Date.now() / 1000);
      let status: number | 'error' = 'error';
      try {
        const response = await fetch(this.settings.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'stripe-signature': signatureHeader(this.settings.webhookSecrets, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
      } catch {
        status = 'error';
      }
      this.deliveries.push({ eventId: event.id, type: event.type, status, attempt, at: new Date().toISOString() });
      if (typeof status === 'number' && status >= 200 && status < 300) return;
      await sleep(200 * 2 ** (attempt - 1));
    }
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
