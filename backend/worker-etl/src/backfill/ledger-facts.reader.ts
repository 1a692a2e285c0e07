import type { DomainEventEnvelope } from '@casino/contracts';
import type { Pool } from 'pg';
import type { WalletTransactionFacts } from '../analytics/fact-rows';

/** A half-open span of time `[start, end)`, ISO instants. */
export interface TimeWindow {
  start: string;
  end: string;
}

/** Where the last page ended: the next page starts after it. */
export interface LedgerCursor {
  createdAt: string;
  id: string;
}

interface TransactionRecord {
  id: string;
  event_id: string;
  wallet_id: string;
  user_id: string;
  type: string;
  currency: string;
  idempotency_scope: string;
  metadata: Record<string, string>;
  occurred_at: string;
  cursor_at: string;
  entries: { accountKind: string; amount: string }[];
}

/**
 * One page of committed ledger transactions, in (created_at, id) order after the cursor, each with its entries and
 * their account kinds: what `eventsOf` (nest-app's ledger) puts in `wallet.transaction.completed`. The page is
 * taken first and only its entries are read (the index of ledger_entries is led by transaction_id).
 * `cursor_at` keeps PostgreSQL's microseconds, which a JavaScript Date would cut.
 */
const TRANSACTIONS_PAGE = `
  WITH page AS (
    SELECT t.id, t.event_id, t.wallet_id, t.type, t.currency, t.idempotency_scope, t.metadata, t.created_at
      FROM ledger_transactions t
     WHERE t.created_at >= $1::timestamptz AND t.created_at < $2::timestamptz
       AND ($3::timestamptz IS NULL OR (t.created_at, t.id) > ($3::timestamptz, $4::uuid))
     ORDER BY t.created_at, t.id
     LIMIT $5)
  SELECT p.id, p.event_id, p.wallet_id, w.user_id, p.type, p.currency, p.idempotency_scope, p.metadata,
         to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
         to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
         (SELECT coalesce(json_agg(json_build_object('accountKind', a.kind, 'amount', e.amount::text) ORDER BY e.id), '[]')
            FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
           WHERE e.transaction_id = p.id) AS entries
    FROM page p JOIN wallets w ON w.id = p.wallet_id
   ORDER BY p.created_at, p.id`;

/**
 * One page of a stream's outbox events of some types, in position order after `afterPosition`. The position is
 * handed back as text under another name: `ORDER BY position` would otherwise sort the text.
 */
const OUTBOX_PAGE = `
  SELECT position::text AS cursor, envelope
    FROM outbox_events
   WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
     AND stream = $3 AND event_type LIKE $4 AND position > $5::bigint
   ORDER BY position
   LIMIT $6`;

/**
 * What the backfill reads from PostgreSQL, page by page (keyset: memory is one page whatever the range). The
 * ledger is the source of the wallet facts; payment, registration and bonus facts are keyed by their event's id or
 * carry what only their event says (a bonus's id and step), so they are read from the outbox's stored events (never
 * deleted), exactly as they were published.
 */
export class LedgerFactsReader {
  public constructor(private readonly pool: Pool) {}

  public async committedTransactionsPage(
    window: TimeWindow,
    after: LedgerCursor | null,
    limit: number,
  ): Promise<{ facts: WalletTransactionFacts[]; last: LedgerCursor | null }> {
    const { rows } = await this.pool.query<TransactionRecord>(TRANSACTIONS_PAGE, [
      window.start,
      window.end,
      after?.createdAt ?? null,
      after?.id ?? null,
      limit,
    ]);
    const facts = rows.map((row) => ({
      eventId: row.event_id,
      occurredAt: row.occurred_at,
      transactionId: row.id,
      transactionType: row.type,
      userId: row.user_id,
      walletId: row.wallet_id,
      currency: row.currency,
      entries: row.entries,
      reference: row.metadata,
      idempotencyScope: row.idempotency_scope,
    }));
    const last = rows.at(-1);
    return { facts, last: last ? { createdAt: last.cursor_at, id: last.id } : null };
  }

  /**
   * Events of `stream` of `eventType`, as the relay published them; a trailing `*` takes every type under it, as in
   * the consumers' filters (`payment.intent.*`).
   */
  public async outboxEventsPage<TEvent extends DomainEventEnvelope>(
    window: TimeWindow,
    stream: string,
    eventType: string,
    afterPosition: string,
    limit: number,
  ): Promise<{ events: TEvent[]; last: string | null }> {
    const { rows } = await this.pool.query<{ cursor: string; envelope: TEvent }>(OUTBOX_PAGE, [
      window.start,
      window.end,
      stream,
      eventType.replace(/[\\%_]/g, '\\$&').replace(/\*$/, '%'),
      afterPosition,
      limit,
    ]);
    return { events: rows.map((row) => row.envelope), last: rows.at(-1)?.cursor ?? null };
  }
}
