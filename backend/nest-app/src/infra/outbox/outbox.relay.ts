import { EVENT_BUS, type EventBus } from '@casino/platform';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { outboxPublished, outboxPublishFailures } from './outbox-metrics';
import { OutboxWake } from './outbox-wake';
import { claimPending, markFailed, markPublished, type ClaimedEvent } from './outbox.store';

const MAX_BACKOFF_MS = 5000;

export interface RelayPass {
  claimed: number;
  published: number;
  failed: number;
}

/**
 * Publishes the outbox to NATS JetStream, at least once, with the event id as JetStream's message
 * id (repeats inside the duplicate window are dropped by the server). Each aggregate's events are
 * published one after another in outbox order and stop at the first failure, so consumers see an
 * aggregate's events in order; different aggregates go out in parallel. When NATS is down the
 * rows stay pending with their attempts and last error, and the relay backs off and tries again.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Set by a notification; a sleep that starts after one returns at once. */
  private notified = false;
  private wakeOnNotify?: OutboxWake;

  public constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_BUS) private readonly eventBus: EventBus,
    private readonly config: AppConfig,
  ) {}

  public onApplicationBootstrap(): void {
    if (this.config.OUTBOX_RELAY_ENABLED) this.start();
  }

  public async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  public start(): void {
    if (this.running) return;
    this.running = true;
    if (this.config.OUTBOX_RELAY_WAKE_ON_NOTIFY) {
      this.wakeOnNotify = new OutboxWake(this.config.DATABASE_URL, MAX_BACKOFF_MS, () => this.notify());
      void this.wakeOnNotify.start();
    }
    this.loop = this.run();
  }

  public async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.wakeOnNotify?.stop();
    await this.loop;
  }

  private notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** One claim-publish-mark pass; returns what it did. */
  public async runOnce(): Promise<RelayPass> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const claimed = await claimPending(runner, this.config.OUTBOX_RELAY_BATCH_SIZE);
      const { published, failed, error } = await this.publish(claimed);
      await markPublished(runner, published);
      await markFailed(runner, failed, error ?? '');
      await runner.commitTransaction();
      outboxPublished.inc(published.length);
      outboxPublishFailures.inc(failed.length);
      return { claimed: claimed.length, published: published.length, failed: failed.length };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let pass: RelayPass = { claimed: 0, published: 0, failed: 0 };
      // A notification from here on means events this pass may not see: the next sleep returns at once.
      this.notified = false;
      try {
        pass = await this.runOnce();
        if (pass.failed > 0) throw new Error(`${pass.failed} events could not be published`);
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 50 === 0)
          this.logger.warn({ err: error, failures }, 'outbox relay pass failed');
      }
      const idle = pass.claimed < this.config.OUTBOX_RELAY_BATCH_SIZE;
      // After a failure the backoff holds even when woken: NATS or PostgreSQL is not helped by a faster retry.
      if (failures > 0) await this.sleep(this.backoff(failures), false);
      else if (idle) await this.sleep(this.backoff(0), true);
    }
  }

  private backoff(failures: number): number {
    const interval = this.config.OUTBOX_RELAY_INTERVAL_MS;
    return failures === 0 ? interval : Math.min(MAX_BACKOFF_MS, interval * 2 ** Math.min(failures, 10));
  }

  private async publish(claimed: ClaimedEvent[]): Promise<{ published: string[]; failed: string[]; error?: string }> {
    const chains = new Map<string, ClaimedEvent[]>();
    for (const event of claimed) {
      const chain = chains.get(event.aggregateId) ?? [];
      chain.push(event);
      chains.set(event.aggregateId, chain);
    }
    const published: string[] = [];
    const failed: string[] = [];
    let lastError: string | undefined;
    await Promise.all(
      [...chains.values()].map(async (chain) => {
        for (const event of chain) {
          try {
            await this.eventBus.publish(event.stream, event.envelope, event.trace);
            published.push(event.position);
          } catch (error) {
            // Later events of this aggregate wait, so that its order holds.
            failed.push(event.position);
            lastError = error instanceof Error ? error.message : String(error);
            return;
          }
        }
      }),
    );
    return { published, failed, error: lastError };
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (wakeable && this.notified) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        if (wakeable || !this.running) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
  }
}
