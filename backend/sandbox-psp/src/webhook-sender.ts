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

/**
 * When an undelivered event is sent again: Stripe retries with exponential backoff for up to 3 days; the sandbox
 * runs that schedule compressed (`SANDBOX_PSP_WEBHOOK_RETRY_*`). Attempt n+1 follows attempt n by
 * `min(firstDelayMs * 2^(n-1), maxDelayMs)`, and none starts later than `windowMs` after the first.
 */
export interface RetrySchedule {
  firstDelayMs: number;
  maxDelayMs: number;
  windowMs: number;
}

/** The wait after failed attempt `attempt` (1-based), or null when the schedule gives the event up. */
export function retryDelay(schedule: RetrySchedule, attempt: number, elapsedMs: number): number | null {
  const delay = Math.min(schedule.firstDelayMs * 2 ** Math.min(attempt - 1, 40), schedule.maxDelayMs);
  return elapsedMs + delay > schedule.windowMs ? null : delay;
}

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
 * Delivers signed webhooks asynchronously: first attempts in sequence (one action's events in order), and an event
 * that got anything but a 2xx is retried on its own on the retry schedule, so it holds up no other event (as at
 * Stripe, events may then arrive out of order). The event id stays; every attempt is signed afresh (a new `t=`).
 */
export class WebhookSender {
  public readonly deliveries: DeliveryRecord[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly retrying = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;
  private held: StripeStyleEvent[] | null = null;

  public constructor(
    private readonly settings: {
      webhookUrl: string;
      webhookSecrets: string[];
      webhookDelayMs: number;
      retry: RetrySchedule;
    },
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
        await this.sleep(this.settings.webhookDelayMs);
        if (this.stopped) return;
        if (!(await this.attempt(event, 1))) this.retryLater(event);
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

  /** Resolves once everything queued so far has been delivered or given up on, retries included. */
  public async idle(): Promise<void> {
    let queue: Promise<void>;
    do {
      queue = this.queue;
      await queue;
      await Promise.all([...this.retrying]);
    } while (queue !== this.queue || this.retrying.size > 0);
  }

  /** Ends every retry at once (its timer cleared, so nothing keeps the process alive). */
  public stop(): void {
    this.stopped = true;
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
  }

  private retryLater(event: StripeStyleEvent): void {
    const startedAt = Date.now();
    const retry = (async () => {
      for (let attempt = 1; !this.stopped; attempt += 1) {
        const delay = retryDelay(this.settings.retry, attempt, Date.now() - startedAt);
        if (delay === null) return;
        await this.sleep(delay);
        if (this.stopped || (await this.attempt(event, attempt + 1))) return;
      }
    })();
    this.retrying.add(retry);
    void retry.finally(() => this.retrying.delete(retry));
  }

  /** One signed POST of the event; true when the receiver acknowledged it (2xx). */
  private async attempt(event: StripeStyleEvent, attempt: number): Promise<boolean> {
    const body = JSON.stringify(event);
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
    return typeof status === 'number' && status >= 200 && status < 300;
  }

  private sleep(milliseconds: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, milliseconds);
      this.timers.set(timer, resolve);
    });
  }
}
