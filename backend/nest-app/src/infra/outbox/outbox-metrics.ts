import { counterOf, scrapedGauge } from '@casino/platform';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The backlog is counted up to this many rows, so that a scrape during a long NATS outage stays one index range. */
export const OUTBOX_BACKLOG_COUNT_LIMIT = 100_000;

export const outboxPublished = counterOf('outbox_published_events_total', 'Outbox events published to JetStream', []);
export const outboxPublishFailures = counterOf(
  'outbox_publish_failures_total',
  'Outbox events whose publish failed (left pending for the next pass)',
  [],
);

/**
 * The outbox backlog on nest-app's `/metrics`, read when Prometheus scrapes (two reads of the pending-rows partial
 * index, whichever process runs the relay): `outbox_pending_events` (capped at OUTBOX_BACKLOG_COUNT_LIMIT) and
 * `outbox_oldest_pending_age_seconds` (0 when nothing is pending).
 */
@Injectable()
export class OutboxMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OutboxMetrics.name);
  private readonly disposers: (() => void)[] = [];

  public constructor(private readonly dataSource: DataSource) {}

  public onModuleInit(): void {
    const onError = (error: unknown): void => this.logger.debug({ err: error }, 'outbox backlog not read');
    this.disposers.push(
      scrapedGauge({
        name: 'outbox_pending_events',
        help: `Outbox events not yet published (counted up to ${OUTBOX_BACKLOG_COUNT_LIMIT})`,
        labelNames: [],
        onError,
        read: async (gauge) => gauge.set(await this.pendingCount()),
      }).dispose,
      scrapedGauge({
        name: 'outbox_oldest_pending_age_seconds',
        help: 'Age of the oldest unpublished outbox event in seconds (0 when none is pending)',
        labelNames: [],
        onError,
        read: async (gauge) => gauge.set(await this.oldestAgeSeconds()),
      }).dispose,
    );
  }

  public onModuleDestroy(): void {
    this.disposers.splice(0).forEach((dispose) => dispose());
  }

  private async pendingCount(): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT count(*)::int AS pending FROM (
         SELECT 1 FROM outbox_events WHERE published_at IS NULL ORDER BY position LIMIT $1) pending`,
      [OUTBOX_BACKLOG_COUNT_LIMIT],
    )) as { pending: number }[];
    return rows[0]?.pending ?? 0;
  }

  private async oldestAgeSeconds(): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age FROM (
         SELECT created_at FROM outbox_events WHERE published_at IS NULL ORDER BY position LIMIT 1) oldest`,
    )) as { age: number }[];
    return Math.max(0, rows[0]?.age ?? 0);
  }
}
