import {
  EVENT_STREAMS,
  USER_KYC_CHANGED,
  USER_REGISTERED,
  type DomainEventEnvelope,
  type PaymentIntentEvent,
  type PlayerBonusEvent,
  type UserKycChangedEvent,
  type UserRegisteredEvent,
  type UserRgEvent,
} from '@casino/contracts';
import { bonusEventRow } from '../analytics/bonus-fact-rows';
import { kycEventRow, rgEventRow, type KycEventRow, type RgEventRow } from '../analytics/compliance-fact-rows';
import {
  paymentEventRow,
  playerRow,
  UNKNOWN_PLAYER,
  walletTransactionRow,
  type PlayerDimensions,
} from '../analytics/fact-rows';
import type { ClickHouseKeySet } from '../analytics/clickhouse-key-set';
import type { FactTable, FactTableLoader } from '../analytics/fact-table-loader';
import {
  BONUS_EVENTS,
  KYC_EVENTS,
  PAYMENT_EVENTS,
  PLAYERS,
  RG_EVENTS,
  WALLET_TRANSACTIONS,
} from '../analytics/fact-tables';
import { playerDimensions } from '../analytics/player-dimensions';
import { windowsOf, type BackfillRange } from './backfill-range';
import type { LedgerCursor, LedgerFactsReader, TimeWindow } from './ledger-facts.reader';

/** Per fact table: rows built from PostgreSQL, rows inserted, rows whose key ClickHouse already had. */
export interface TableBackfill {
  table: string;
  read: number;
  inserted: number;
  skipped: number;
}

/**
 * Pages are taken within windows of an hour: each page's scan is bounded by its window (the BRIN indexes on
 * created_at skip the rest of the table), however long the range.
 */
const WINDOW_MS = 3_600_000;

type Page<TRow> = (window: TimeWindow) => AsyncGenerator<TRow[]>;

/**
 * `npm run etl:backfill`: the facts of a range rebuilt from PostgreSQL with the event path's own mapping
 * (fact-rows.ts) and loaded through the same keyed loader (ADR 0015), so a key ClickHouse already has is skipped:
 * a second run, or one over what worker-etl already loaded, inserts nothing. Players first, so that the wallet,
 * payment and bonus facts are stamped with the players' dimensions as the event path stamps them.
 */
export class LedgerFactsBackfill {
  public constructor(
    private readonly reader: LedgerFactsReader,
    private readonly loader: FactTableLoader,
    private readonly keySet: ClickHouseKeySet,
    private readonly pageSize: number,
  ) {}

  public async run(range: BackfillRange): Promise<TableBackfill[]> {
    const windows = windowsOf(range, WINDOW_MS);
    return [
      await this.backfill(PLAYERS, windows, (window) => this.players(window)),
      await this.backfill(WALLET_TRANSACTIONS, windows, (window) => this.walletTransactions(window)),
      await this.backfill(PAYMENT_EVENTS, windows, (window) => this.paymentEvents(window)),
      await this.backfill(BONUS_EVENTS, windows, (window) => this.bonusEvents(window)),
      await this.backfill(KYC_EVENTS, windows, (window) =>
        this.stampedOutboxEvents<UserKycChangedEvent, KycEventRow>(window, USER_KYC_CHANGED, kycEventRow),
      ),
      await this.backfill(RG_EVENTS, windows, (window) =>
        this.stampedOutboxEvents<UserRgEvent, RgEventRow>(window, 'user.rg.*', rgEventRow),
      ),
    ];
  }

  private async backfill<TRow extends object>(
    table: FactTable<TRow>,
    windows: readonly TimeWindow[],
    pages: Page<TRow>,
  ): Promise<TableBackfill> {
    const total: TableBackfill = { table: table.name, read: 0, inserted: 0, skipped: 0 };
    for (const window of windows) {
      for await (const rows of pages(window)) {
        const inserted = await this.loader.load(table, rows);
        total.read += rows.length;
        total.inserted += inserted;
        total.skipped += rows.length - inserted;
      }
    }
    return total;
  }

  private async *walletTransactions(window: TimeWindow) {
    let after: LedgerCursor | null = null;
    for (;;) {
      const page = await this.reader.committedTransactionsPage(window, after, this.pageSize);
      if (page.last === null) return;
      const players = await playerDimensions(
        this.keySet,
        page.facts.map((facts) => facts.userId),
      );
      yield page.facts.map((facts) => walletTransactionRow(facts, players.get(facts.userId) ?? UNKNOWN_PLAYER));
      // A short page was the window's last.
      if (page.facts.length < this.pageSize) return;
      after = page.last;
    }
  }

  private async *paymentEvents(window: TimeWindow) {
    for await (const events of this.outboxEvents<PaymentIntentEvent>(
      window,
      EVENT_STREAMS.PAYMENT,
      'payment.intent.*',
    )) {
      const players = await playerDimensions(
        this.keySet,
        events.map((event) => event.payload.userId),
      );
      yield events.map((event) => paymentEventRow(event, players.get(event.payload.userId) ?? UNKNOWN_PLAYER));
    }
  }

  private async *bonusEvents(window: TimeWindow) {
    for await (const events of this.outboxEvents<PlayerBonusEvent>(window, EVENT_STREAMS.BONUS, 'bonus.*')) {
      const players = await playerDimensions(
        this.keySet,
        events.map((event) => event.payload.userId),
      );
      yield events.map((event) => bonusEventRow(event, players.get(event.payload.userId) ?? UNKNOWN_PLAYER));
    }
  }

  /** A user-stream event type's rows, each stamped with its player's dimensions. */
  private async *stampedOutboxEvents<TEvent extends UserKycChangedEvent | UserRgEvent, TRow>(
    window: TimeWindow,
    eventType: string,
    row: (event: TEvent, player: PlayerDimensions) => TRow,
  ) {
    for await (const events of this.outboxEvents<TEvent>(window, EVENT_STREAMS.USER, eventType)) {
      const players = await playerDimensions(
        this.keySet,
        events.map((event) => event.payload.userId),
      );
      yield events.map((event) => row(event, players.get(event.payload.userId) ?? UNKNOWN_PLAYER));
    }
  }

  private async *players(window: TimeWindow) {
    for await (const events of this.outboxEvents<UserRegisteredEvent>(window, EVENT_STREAMS.USER, USER_REGISTERED)) {
      yield events.map(playerRow);
    }
  }

  private async *outboxEvents<TEvent extends DomainEventEnvelope>(
    window: TimeWindow,
    stream: string,
    eventType: string,
  ) {
    let after = '0';
    for (;;) {
      const page = await this.reader.outboxEventsPage<TEvent>(window, stream, eventType, after, this.pageSize);
      if (page.last === null) return;
      yield page.events;
      if (page.events.length < this.pageSize) return;
      after = page.last;
    }
  }
}
