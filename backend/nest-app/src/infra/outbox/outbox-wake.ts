import { Logger } from '@nestjs/common';
import { Client } from 'pg';

export const OUTBOX_CHANNEL = 'outbox_events';

/**
 * A connection of its own that LISTENs on `outbox_events` (notified once per committing transaction that wrote the
 * outbox, see migration OutboxNotify) and calls `onWake` for each notification. When the connection fails it is
 * opened again after `retryMs`; meanwhile the relay's poll carries on, so a lost notification only delays.
 */
export class OutboxWake {
  private readonly logger = new Logger(OutboxWake.name);
  private client?: Client;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  public constructor(
    private readonly connectionString: string,
    private readonly retryMs: number,
    private readonly onWake: () => void,
  ) {}

  public async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  public async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString, application_name: 'casino-outbox-wake' });
    client.on('notification', () => this.onWake());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.client = client;
      // Events committed while no one listened: one pass now picks them up.
      this.onWake();
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: Client, error?: unknown): void {
    if (this.stopped || this.retry) return;
    if (this.client === client) this.client = undefined;
    client.end().catch(() => undefined);
    this.logger.warn({ err: error }, 'outbox wake-up connection lost; polling until it is back');
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.connect();
    }, this.retryMs).unref();
  }
}
