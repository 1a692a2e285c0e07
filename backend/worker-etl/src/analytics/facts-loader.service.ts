import {
  EVENT_STREAMS,
  GAME_ROUND_CLOSED,
  GAME_SESSION_CLOSED,
  GAME_SESSION_OPENED,
  USER_KYC_CHANGED,
  USER_REGISTERED,
  WALLET_TRANSACTION_COMPLETED,
  type DomainEventEnvelope,
  type EventStreamKey,
  type GameRoundClosedEvent,
  type PaymentIntentEvent,
  type PlayerBonusEvent,
  type UserKycChangedEvent,
  type UserRegisteredEvent,
  type UserRgEvent,
  type WalletHoldEvent,
  type WalletTransactionCompletedEvent,
} from '@casino/contracts';
import {
  CLICKHOUSE_CLIENT,
  NATS_CONNECTION,
  NATS_OPTIONS,
  REDIS_CLIENT,
  type NatsOptions,
  type ReadinessProbe,
} from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import { WorkerConfig } from '../config/worker-config';
import { BatchConsumer } from './batch-consumer';
import { bonusEventRow } from './bonus-fact-rows';
import { kycEventRow, rgEventRow } from './compliance-fact-rows';
import { ClickHouseKeySet } from './clickhouse-key-set';
import { EtlMetrics } from './etl-metrics';
import {
  paymentEventRow,
  playerRow,
  UNKNOWN_PLAYER,
  walletHoldRow,
  walletTransactionFactsOf,
  walletTransactionRow,
} from './fact-rows';
import { FactTableLoader, type FactTable } from './fact-table-loader';
import {
  BONUS_EVENTS,
  GAME_ROUNDS,
  GAME_SESSIONS,
  KYC_EVENTS,
  PAYMENT_EVENTS,
  PLAYERS,
  RG_EVENTS,
  WALLET_HOLDS,
  WALLET_TRANSACTIONS,
} from './fact-tables';
import { gameRoundRow, gameSessionRow, type GameSessionEvent } from './game-fact-rows';
import { PlayerDimensionsCache } from './player-dimensions';

interface ConsumerState {
  consumer: BatchConsumer;
  /** When the last batch was loaded and its largest lag. */
  loadedAt: number;
  lagSeconds: number;
}

/**
 * worker-etl's loader: durable batch consumers (wallet transactions, wallet holds, payment intents, registrations,
 * KYC and responsible-gaming changes, game sessions and rounds, bonus steps) writing the facts of ClickHouse migrations 002, 005 and 008, each row
 * once (FactTableLoader, ADR 0015).
 */
@Injectable()
export class FactsLoader implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loader: FactTableLoader;
  private readonly keySet: ClickHouseKeySet;
  private readonly players: PlayerDimensionsCache;
  private readonly consumers = new Map<string, ConsumerState>();

  public constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(NATS_OPTIONS) private readonly natsOptions: NatsOptions,
    @Inject(CLICKHOUSE_CLIENT) clickhouse: ClickHouseClient,
    @Inject(REDIS_CLIENT) redis: Redis,
    private readonly config: WorkerConfig,
    private readonly metrics: EtlMetrics,
  ) {
    this.keySet = new ClickHouseKeySet({
      url: config.CLICKHOUSE_URL,
      database: config.CLICKHOUSE_DATABASE,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
    });
    this.players = new PlayerDimensionsCache(this.keySet);
    this.loader = new FactTableLoader(clickhouse, this.keySet, redis, {
      ttlMs: config.ETL_LOAD_LOCK_TTL_MS,
      waitMs: config.ETL_LOAD_LOCK_WAIT_MS,
    });
  }

  public onApplicationBootstrap(): void {
    if (!this.config.ETL_ENABLED) return;
    this.consume('wallet', EVENT_STREAMS.WALLET, WALLET_TRANSACTION_COMPLETED, (events) =>
      this.loadWalletTransactions(events as WalletTransactionCompletedEvent[]),
    );
    this.consume('payment', EVENT_STREAMS.PAYMENT, 'payment.intent.*', (events) =>
      this.loadPaymentEvents(events as PaymentIntentEvent[]),
    );
    this.consume('user', EVENT_STREAMS.USER, USER_REGISTERED, (events) =>
      this.loadPlayers(events as UserRegisteredEvent[]),
    );
    this.consume('wallet-holds', EVENT_STREAMS.WALLET, 'wallet.hold.*', (events) =>
      this.loadWalletHolds(events as WalletHoldEvent[]),
    );
    // NATS 2.9 takes one filter subject per consumer: every game event, sorted by type here.
    this.consume('game', EVENT_STREAMS.GAME, 'game.>', (events) => this.loadGameEvents(events));
    this.consume('bonus', EVENT_STREAMS.BONUS, 'bonus.*', (events) =>
      this.loadBonusEvents(events as PlayerBonusEvent[]),
    );
    this.consume('user-kyc', EVENT_STREAMS.USER, USER_KYC_CHANGED, (events) =>
      this.loadKycEvents(events as UserKycChangedEvent[]),
    );
    this.consume('user-rg', EVENT_STREAMS.USER, 'user.rg.*', (events) => this.loadRgEvents(events as UserRgEvent[]));
  }

  public async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((state) => state.consumer.stop()));
  }

  /** Names the consumers whose pending events wait longer than ETL_MAX_LAG_SECONDS (empty: all caught up). */
  public laggingConsumers(now = Date.now()): string[] {
    const limit = this.config.ETL_MAX_LAG_SECONDS;
    return [...this.consumers.entries()]
      .filter(
        ([, state]) =>
          state.consumer.pending > 0 && (state.lagSeconds > limit || (now - state.loadedAt) / 1000 > limit),
      )
      .map(([name]) => name);
  }

  public async loadWalletTransactions(events: readonly WalletTransactionCompletedEvent[]): Promise<number> {
    const players = await this.players.of(events.map((event) => event.payload.userId));
    const rows = events.map((event) =>
      walletTransactionRow(walletTransactionFactsOf(event), players.get(event.payload.userId) ?? UNKNOWN_PLAYER),
    );
    return this.loadRows(WALLET_TRANSACTIONS, rows);
  }

  public async loadPaymentEvents(events: readonly PaymentIntentEvent[]): Promise<number> {
    const players = await this.players.of(events.map((event) => event.payload.userId));
    const rows = events.map((event) => paymentEventRow(event, players.get(event.payload.userId) ?? UNKNOWN_PLAYER));
    return this.loadRows(PAYMENT_EVENTS, rows);
  }

  public async loadWalletHolds(events: readonly WalletHoldEvent[]): Promise<number> {
    const players = await this.players.of(events.map((event) => event.payload.userId));
    const rows = events.map((event) => walletHoldRow(event, players.get(event.payload.userId) ?? UNKNOWN_PLAYER));
    return this.loadRows(WALLET_HOLDS, rows);
  }

  public async loadBonusEvents(events: readonly PlayerBonusEvent[]): Promise<number> {
    const players = await this.players.of(events.map((event) => event.payload.userId));
    const rows = events.map((event) => bonusEventRow(event, players.get(event.payload.userId) ?? UNKNOWN_PLAYER));
    return this.loadRows(BONUS_EVENTS, rows);
  }

  public async loadKycEvents(events: readonly UserKycChangedEvent[]): Promise<number> {
    const players = await this.players.of(events.map((event) => event.payload.userId));
    const rows = events.map((event) => kycEventRow(event, players.get(event.payload.userId) ?? UNKNOWN_PLAYER));
    return this.loadRows(KYC_EVENTS, rows);
  }

  public async loadRgEvents(events: readonly UserRgEvent[]): Promise<number> {
    const players = await this.players.of(events.map((event) => event.payload.userId));
    const rows = events.map((event) => rgEventRow(event, players.get(event.payload.userId) ?? UNKNOWN_PLAYER));
    return this.loadRows(RG_EVENTS, rows);
  }

  /**
   * Sessions and rounds of one batch, each table under its own lock: when the second load fails the batch comes
   * back whole, and the first table's look-up finds its rows loaded. Other game events are not facts (yet).
   */
  public async loadGameEvents(events: readonly DomainEventEnvelope[]): Promise<number> {
    const sessions = events.filter(
      (event): event is GameSessionEvent => event.type === GAME_SESSION_OPENED || event.type === GAME_SESSION_CLOSED,
    );
    const rounds = events.filter((event): event is GameRoundClosedEvent => event.type === GAME_ROUND_CLOSED);
    const players = await this.players.of(rounds.map((event) => event.payload.userId));
    const roundRows = rounds.map((event) => gameRoundRow(event, players.get(event.payload.userId) ?? UNKNOWN_PLAYER));
    return (
      (await this.loadRows(GAME_SESSIONS, sessions.map(gameSessionRow))) + (await this.loadRows(GAME_ROUNDS, roundRows))
    );
  }

  public async loadPlayers(events: readonly UserRegisteredEvent[]): Promise<number> {
    return this.loadRows(PLAYERS, events.map(playerRow));
  }

  private async loadRows<TRow extends object>(table: FactTable<TRow>, rows: readonly TRow[]): Promise<number> {
    const fresh = await this.loader.load(table, rows);
    this.metrics.loadedRows.inc({ table: table.name }, fresh);
    this.metrics.skippedRows.inc({ table: table.name }, rows.length - fresh);
    return fresh;
  }

  private consume(
    name: string,
    stream: EventStreamKey,
    eventType: string,
    load: (events: DomainEventEnvelope[]) => Promise<number>,
  ): void {
    const consumer = new BatchConsumer(this.connection, {
      stream,
      eventType,
      subjectPrefix: this.natsOptions.subjectPrefix,
      durableName: `worker-etl-facts-${name}`,
      maxEvents: this.config.ETL_BATCH_MAX_ROWS,
      maxWaitMs: this.config.ETL_BATCH_MAX_WAIT_MS,
      ackWaitSeconds: this.config.ETL_ACK_WAIT_SECONDS,
      handle: async (events) => {
        await load(events);
        this.observeLoaded(name, events);
      },
      onPending: (pending) => this.metrics.pending.set({ consumer: name }, pending),
    });
    this.consumers.set(name, { consumer, loadedAt: Date.now(), lagSeconds: 0 });
    consumer.start();
  }

  private observeLoaded(name: string, events: readonly DomainEventEnvelope[]): void {
    const now = Date.now();
    const lagOf = this.metrics.lag.labels({ consumer: name });
    this.metrics.batchEvents.observe({ consumer: name }, events.length);
    let largest = 0;
    for (const event of events) {
      const lag = Math.max(0, (now - Date.parse(event.occurredAt)) / 1000);
      lagOf.observe(lag);
      largest = Math.max(largest, lag);
    }
    const state = this.consumers.get(name);
    if (state) {
      state.loadedAt = now;
      state.lagSeconds = largest;
    }
  }
}

/** `/health/ready` names `etl_lag` while a consumer's events wait longer than ETL_MAX_LAG_SECONDS. */
@Injectable()
export class EtlLagProbe implements ReadinessProbe {
  public readonly name = 'etl_lag';

  public constructor(private readonly loader: FactsLoader) {}

  public async check(): Promise<void> {
    const lagging = this.loader.laggingConsumers();
    if (lagging.length > 0) throw new Error(`ETL lag over ETL_MAX_LAG_SECONDS: ${lagging.join(', ')}`);
  }
}
