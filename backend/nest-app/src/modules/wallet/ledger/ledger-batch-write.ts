import { createHash } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { outboxColumns } from '../../../infra/outbox/outbox.writer';
import type { TransactionWrite } from './ledger-state';
import type { Idempotency } from './ledger.types';
import type { BalanceGuard } from './ledger-loader';
import { resultToStored } from './ledger-result';
import { runPrepared, type PreparedStatement } from '../../../infra/database/prepared-statement';
import { placeFragments, type AttachedStatement } from '../../../infra/database/attached-statement';

/**
 * One statement, one round trip, for everything a batch writes in the common case: its transactions,
 * their entries (the statement-level trigger checks zero-sum and moves the balances at the end of the
 * statement) and their outbox events (in batch order, so positions follow each wallet's commit order).
 * A transaction whose idempotency key a concurrent batch took is skipped with its entries and events;
 * the caller compares the count and re-runs the batch (ADR 0010). Attachments' fragments join the same
 * statement (`AttachedStatement`, ADR 0011): the batch's writes cost one round trip, however many modules share it.
 */
const insertBatchCtes = (gate: string): string => `
    tx AS (
      INSERT INTO ledger_transactions (id, wallet_id, type, currency, amount, idempotency_scope, idempotency_key,
                                       request_hash, reverses_transaction_id, hold_id, event_id, result, metadata,
                                       created_at)
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::char(3)[], $5::bigint[], $6::text[], $7::text[],
                           $8::char(64)[], $9::uuid[], $10::uuid[], $11::uuid[], $12::jsonb[], $13::jsonb[],
                           $24::timestamptz[])
      ${gate}
      ON CONFLICT (idempotency_scope, idempotency_key) DO NOTHING
      RETURNING id),
    entries AS (
      INSERT INTO ledger_entries (transaction_id, account_id, currency, amount)
      SELECT e.transaction_id, e.account_id, e.currency, e.amount
        FROM unnest($14::uuid[], $15::uuid[], $16::char(3)[], $17::bigint[]) AS e(transaction_id, account_id, currency, amount)
       WHERE e.transaction_id = ANY (ARRAY(SELECT id FROM tx))),
    events AS (
      INSERT INTO outbox_events (id, stream, event_type, aggregate_id, envelope, trace_context)
      SELECT o.id, o.stream, o.event_type, o.aggregate_id, o.envelope, o.trace_context
        FROM unnest($18::uuid[], $19::text[], $20::text[], $21::text[], $22::jsonb[], $23::uuid[], $25::jsonb[])
             WITH ORDINALITY AS o(id, stream, event_type, aggregate_id, envelope, transaction_id, trace_context, ord)
       WHERE o.transaction_id = ANY (ARRAY(SELECT id FROM tx))
       ORDER BY o.ord)`;
const INSERT_BATCH_PARAMETERS = 25;

/**
 * The batch's statement when it runs alone, from balances it did not lock (ADR 0011, fifth pass): `ledger_guard`
 * locks every account of the batch in id order, as the locked read does, and the statement's answer aborts it
 * (`ledger_abort_batch`, SQLSTATE LB001: nothing it wrote stays) unless every player account still holds the
 * balance the batch was computed from, every transaction was new, and every fragment's condition holds. $1..$3 after
 * the fragments' parameters: the accounts to lock, the players' accounts and their balances.
 */
function guardParts(offset: number): { cte: string; gate: string; condition: string } {
  const [accounts, players, balances] = [1, 2, 3].map((n) => `$${offset + n}`);
  return {
    cte: `ledger_guard AS (
      SELECT id, balance FROM ledger_accounts WHERE id = ANY(${accounts}::uuid[]) ORDER BY id FOR UPDATE)`,
    // The locks come before any row is written: outbox positions (drawn as events are inserted) then follow the
    // wallets' commit order, as they do when the batch locks first (and two batches wait in one lock order).
    gate: 'WHERE (SELECT count(*) FROM ledger_guard) IS NOT NULL',
    condition: `(SELECT count(*) FROM tx) = cardinality($1::uuid[])
      AND (SELECT count(*) FROM ledger_guard) = cardinality(${accounts}::uuid[])
      AND NOT EXISTS (
        SELECT 1 FROM unnest(${players}::uuid[], ${balances}::bigint[]) AS p(id, balance)
          LEFT JOIN ledger_guard g ON g.id = p.id
         WHERE g.balance IS DISTINCT FROM p.balance)`,
  };
}

/**
 * The statement for a batch with these attached fragments (their shapes), prepared once per shape and connection;
 * `alone`: the guarded variant that runs as its own transaction.
 */
const statements = new Map<string, PreparedStatement>();
function insertStatement(fragments: AttachedStatement[], alone: boolean): PreparedStatement {
  const shape = `${alone ? 'alone:' : ''}${fragments.map((fragment) => fragment.key).join('+')}`;
  const known = statements.get(shape);
  if (known) return known;
  const placed = placeFragments(fragments, INSERT_BATCH_PARAMETERS);
  const guard = alone ? guardParts(INSERT_BATCH_PARAMETERS + placed.values.length) : null;
  const ctes = [...(guard ? [guard.cte] : []), insertBatchCtes(guard?.gate ?? ''), ...placed.ctes];
  const inserted = guard
    ? `CASE WHEN ${[guard.condition, ...placed.conditions].join('\n      AND ')}
       THEN (SELECT count(*)::int FROM tx) ELSE ledger_abort_batch('a balance, key or condition changed') END`
    : '(SELECT count(*)::int FROM tx)';
  const outputs = [
    `${inserted} AS inserted`,
    ...placed.outputs.map((output, index) => `${output} AS attached_${index}`),
  ];
  // PostgreSQL cuts names at 63 bytes: a shape is named by its hash.
  const name = `ledger_insert_batch_v5_${createHash('sha256').update(shape).digest('hex').slice(0, 16)}`;
  const statement = { name, text: `WITH ${ctes.join(',\n')}\nSELECT ${outputs.join(', ')}` };
  statements.set(shape, statement);
  return statement;
}

/**
 * Writes the batch's transactions, entries and events, and the attached fragments; returns how many transactions
 * were new and each fragment's output.
 */
export async function insertBatch(
  runner: QueryRunner,
  writes: TransactionWrite[],
  fragments: AttachedStatement[] = [],
  guard: BalanceGuard | null = null,
): Promise<{ inserted: number; outputs: unknown[] }> {
  // Sorted by key, so that two batches waiting on each other's uncommitted keys always wait in one order.
  const sorted = [...writes].sort((a, b) => compareKeys(a.command.idempotency, b.command.idempotency));
  const entries = writes.flatMap((write) =>
    write.entries.map((entry) => ({ transactionId: write.id, currency: write.currency, ...entry })),
  );
  const eventOwners = writes.flatMap((write) => write.events.map(() => write.id));
  const events = outboxColumns(
    'wallet',
    writes.flatMap((write) => write.events),
    // Each event carries the trace of the command that made it, not the batch's (ADR 0008).
    writes.flatMap((write) => write.events.map(() => write.trace)),
  );
  const guardValues = guard
    ? [
        [...guard.accountIds].sort(),
        [...guard.players.keys()],
        [...guard.players.values()].map((balance) => balance.toString()),
      ]
    : [];
  const { rows } = await runPrepared<Record<string, unknown>>(runner, insertStatement(fragments, guard !== null), [
    sorted.map((w) => w.id),
    sorted.map((w) => w.walletId),
    sorted.map((w) => w.type),
    sorted.map((w) => w.currency),
    sorted.map((w) => w.amount.toString()),
    sorted.map((w) => w.command.idempotency.scope),
    sorted.map((w) => w.command.idempotency.key),
    sorted.map((w) => w.requestHash),
    sorted.map((w) => w.reversesTransactionId),
    sorted.map((w) => w.holdId),
    sorted.map((w) => w.eventId),
    sorted.map((w) => JSON.stringify(resultToStored(w.result))),
    sorted.map((w) => JSON.stringify(w.metadata)),
    entries.map((entry) => entry.transactionId),
    entries.map((entry) => entry.accountId),
    entries.map((entry) => entry.currency),
    entries.map((entry) => entry.amount.toString()),
    events.ids,
    events.streams,
    events.types,
    events.aggregateIds,
    events.envelopes,
    eventOwners,
    // created_at: the batch's time, the same instant as its events' occurredAt (reports cut days by the events).
    sorted.map((w) => w.createdAt.toISOString()),
    events.traceContexts,
    ...fragments.flatMap((fragment) => fragment.values),
    ...guardValues,
  ]);
  const row = rows[0] ?? {};
  return {
    inserted: Number(row.inserted ?? 0),
    outputs: fragments.map((_, index) => row[`attached_${index}`]),
  };
}

function compareKeys(a: Idempotency, b: Idempotency): number {
  if (a.scope !== b.scope) return a.scope < b.scope ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
