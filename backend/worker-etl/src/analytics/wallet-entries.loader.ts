import { EVENT_STREAMS, WALLET_TRANSACTION_COMPLETED, type WalletTransactionCompletedEvent } from '@casino/contracts';
import { CLICKHOUSE_CLIENT, DurableConsumer, NATS_CONNECTION, NATS_OPTIONS, type NatsOptions } from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { WorkerConfig } from '../config/worker-config';
import { walletEntryRows } from './wallet-entry-rows';

export const WALLET_ENTRIES_CONSUMER = 'worker-etl-wallet-entries';

/**
 * Loads every completed wallet transaction into ClickHouse `wallet_entries`. Delivery is at least
 * once; the table is a ReplacingMergeTree keyed by transaction and account, so a redelivered event
 * collapses into its first copy (queries that must be exact use FINAL or GROUP BY the key).
 */
@Injectable()
export class WalletEntriesLoader implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WalletEntriesLoader.name);
  private consumer?: DurableConsumer<WalletTransactionCompletedEvent>;

  public constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(NATS_OPTIONS) private readonly natsOptions: NatsOptions,
    @Inject(CLICKHOUSE_CLIENT) private readonly clickhouse: ClickHouseClient,
    private readonly config: WorkerConfig,
  ) {}

  public onApplicationBootstrap(): void {
    if (!this.config.WALLET_ENTRIES_LOADER_ENABLED) return;
    this.consumer = new DurableConsumer<WalletTransactionCompletedEvent>(this.connection, {
      stream: EVENT_STREAMS.WALLET,
      eventType: WALLET_TRANSACTION_COMPLETED,
      subjectPrefix: this.natsOptions.subjectPrefix,
      durableName: WALLET_ENTRIES_CONSUMER,
      handle: (event) => this.load(event),
    });
    this.consumer.start();
  }

  public async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  /** Throws when ClickHouse refuses, so that JetStream redelivers the event later. */
  public async load(event: WalletTransactionCompletedEvent): Promise<void> {
    const rows = walletEntryRows(event);
    if (rows.length === 0) return;
    await this.clickhouse.insert({ table: 'wallet_entries', values: rows, format: 'JSONEachRow' });
    this.logger.debug({ eventId: event.id, rows: rows.length }, 'wallet entries loaded');
  }
}
