import type { WalletTransactionType } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { HoldState, KnownTransaction, TransactionWrite } from './ledger-state';
import { insertBatch } from './ledger-batch-write';
import type { AttachedStatement } from '../../../infra/database/attached-statement';
import { resultFromStored, type StoredResult } from './ledger-result';
import type { AccountKind, Idempotency } from './ledger.types';
import { runPrepared, type PreparedStatement } from '../../../infra/database/prepared-statement';
import type { SystemAccountSpec } from './system-accounts';
import type { BalanceGuard } from './ledger-loader';

interface TransactionRow {
  id: string;
  wallet_id: string;
  type: WalletTransactionType;
  currency: string;
  amount: string;
  request_hash: string;
  result: StoredResult;
  entries: { accountId: string; amount: string }[];
  scope: string;
  key: string;
}

/** A DataSource (autocommit) or a QueryRunner (its transaction). */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface LockedAccount {
  id: string;
  kind: AccountKind;
  balance: bigint;
}

const TRANSACTION_COLUMNS = `t.id, t.wallet_id, t.type, t.currency, t.amount::text AS amount, t.request_hash, t.result,
  t.idempotency_scope AS scope, t.idempotency_key AS key,
  COALESCE((SELECT json_agg(json_build_object('accountId', e.account_id, 'amount', e.amount::text) ORDER BY e.id)
              FROM ledger_entries e WHERE e.transaction_id = t.id), '[]'::json) AS entries`;

/**
 * The batch's idempotency keys already in the ledger: one index probe per key on the unique
 * (scope, key) index. The entries are aggregated only for keys found (a replay), never otherwise.
 */
const FIND_BY_KEYS_SQL = `SELECT ${TRANSACTION_COLUMNS}
           FROM unnest($2::text[], $3::text[]) AS k(scope, key)
           JOIN ledger_transactions t ON t.idempotency_scope = k.scope AND t.idempotency_key = k.key
            AND t.idempotency_scope = ANY($2::text[]) AND t.idempotency_key = ANY($3::text[])`;

/**
 * The lock of the accounts (in id order, so that concurrent batches never deadlock) and the lookup of the keys,
 * in one round trip: the ledger's batch is the platform's one serial section, and each round trip in it costs
 * throughput (ADR 0011). The keys are read in the statement's snapshot, which may predate a batch of another
 * process that committed one of them while this one waited for the lock: the insert then finds the key taken
 * and the batch runs again, and sees it.
 */
const LOCK_AND_FIND_KEYS: PreparedStatement = {
  name: 'ledger_lock_and_find_keys_v1',
  text: `WITH locked AS (
           SELECT id, kind, balance::text AS balance FROM ledger_accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE)
         SELECT (SELECT coalesce(json_agg(l), '[]') FROM locked l) AS accounts,
                (SELECT coalesce(json_agg(k), '[]') FROM (${FIND_BY_KEYS_SQL}) k) AS known`,
};

/**
 * The SQL of the ledger's hot path: every statement is set-based, so a batch costs a few round trips,
 * and the per-batch ones are named prepared statements (parsed and planned once per connection).
 */
@Injectable()
export class LedgerRepository {
  /** Transactions by id or by idempotency key (the targets of rollbacks). */
  public async findTransactions(
    runner: QueryRunner,
    ids: string[],
    keys: Idempotency[],
  ): Promise<(KnownTransaction & { idempotency: Idempotency })[]> {
    if (ids.length === 0 && keys.length === 0) return [];
    const rows = (await runner.query(
      `SELECT ${TRANSACTION_COLUMNS}
         FROM ledger_transactions t
        WHERE t.id IN (
          SELECT id FROM ledger_transactions WHERE id = ANY($1::uuid[])
          UNION ALL
          SELECT x.id FROM unnest($2::text[], $3::text[]) AS k(scope, key)
            JOIN ledger_transactions x ON x.idempotency_scope = k.scope AND x.idempotency_key = k.key)`,
      [ids, keys.map((key) => key.scope), keys.map((key) => key.key)],
    )) as TransactionRow[];
    return rows.map(knownFromRow);
  }

  public async findHolds(runner: QueryRunner, ids: string[]): Promise<HoldState[]> {
    if (ids.length === 0) return [];
    const rows = (await runner.query(
      `SELECT id, wallet_id, currency, amount::text AS amount, provider, status FROM wallet_holds WHERE id = ANY($1::uuid[])`,
      [ids],
    )) as { id: string; wallet_id: string; currency: string; amount: string; provider: string; status: string }[];
    return rows.map((row) => ({
      id: row.id,
      walletId: row.wallet_id,
      currency: row.currency,
      amount: BigInt(row.amount),
      provider: row.provider,
      status: row.status as HoldState['status'],
    }));
  }

  /** Ids among `ids` that a rollback has already reversed. */
  public async findReversed(runner: QueryRunner, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = (await runner.query(
      `SELECT reverses_transaction_id AS id FROM ledger_transactions WHERE reverses_transaction_id = ANY($1::uuid[])`,
      [ids],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /**
   * Locks the accounts and reads their balances, and finds the transactions that already hold any of these
   * idempotency keys, in one round trip.
   */
  public async lockAccountsAndFindKeys(
    runner: QueryRunner,
    ids: string[],
    keys: Idempotency[],
  ): Promise<{ accounts: LockedAccount[]; known: (KnownTransaction & { idempotency: Idempotency })[] }> {
    const { rows } = await runPrepared<{
      accounts: { id: string; kind: AccountKind; balance: string }[];
      known: TransactionRow[];
    }>(runner, LOCK_AND_FIND_KEYS, [ids, keys.map((key) => key.scope), keys.map((key) => key.key)]);
    const [answer] = rows;
    return {
      accounts: (answer?.accounts ?? []).map((row) => ({ id: row.id, kind: row.kind, balance: BigInt(row.balance) })),
      known: (answer?.known ?? []).map(knownFromRow),
    };
  }

  /** Creates the system accounts that do not exist yet; returns every one's id by code. */
  public async ensureSystemAccounts(runner: Queryable, specs: SystemAccountSpec[]): Promise<Map<string, string>> {
    const params = [specs.map((spec) => spec.code), specs.map((spec) => spec.kind), specs.map((spec) => spec.currency)];
    await runner.query(
      `INSERT INTO ledger_accounts (code, kind, currency)
       SELECT * FROM unnest($1::text[], $2::text[], $3::char(3)[]) ORDER BY 1 ON CONFLICT (code) DO NOTHING`,
      params,
    );
    const rows = (await runner.query(`SELECT id, code FROM ledger_accounts WHERE code = ANY($1::text[])`, [
      params[0],
    ])) as { id: string; code: string }[];
    return new Map(rows.map((row) => [row.code, row.id]));
  }

  /** Transactions, entries, outbox events and attached fragments of the batch in one statement (`insertBatch`). */
  public insertBatch(
    runner: QueryRunner,
    writes: TransactionWrite[],
    fragments: AttachedStatement[],
  ): Promise<{ inserted: number; outputs: unknown[] }> {
    return insertBatch(runner, writes, fragments);
  }

  /**
   * The same writes as one statement in a transaction of its own, standing only if the guard's balances, the keys'
   * novelty and the fragments' conditions hold under its locks (else SQLSTATE LB001, nothing written).
   */
  public insertBatchAlone(
    runner: QueryRunner,
    writes: TransactionWrite[],
    fragments: AttachedStatement[],
    guard: BalanceGuard,
  ): Promise<{ inserted: number; outputs: unknown[] }> {
    return insertBatch(runner, writes, fragments, guard);
  }

  public async insertHolds(runner: QueryRunner, writes: TransactionWrite[]): Promise<void> {
    const holds = writes.filter((write) => write.holdInsert);
    if (holds.length === 0) return;
    await runner.query(
      `INSERT INTO wallet_holds (id, wallet_id, currency, amount, provider, status, hold_transaction_id)
       SELECT h.id, h.wallet_id, h.currency, h.amount, h.provider, 'pending', h.tx
         FROM unnest($1::uuid[], $2::uuid[], $3::char(3)[], $4::bigint[], $5::text[], $6::uuid[])
              AS h(id, wallet_id, currency, amount, provider, tx)`,
      [
        holds.map((w) => w.holdInsert?.id),
        holds.map((w) => w.walletId),
        holds.map((w) => w.currency),
        holds.map((w) => w.amount.toString()),
        holds.map((w) => w.holdInsert?.provider),
        holds.map((w) => w.id),
      ],
    );
  }

  /** Resolves pending holds; throws if any was not pending any more (the batch then rolls back). */
  public async resolveHolds(runner: QueryRunner, writes: TransactionWrite[]): Promise<void> {
    const resolutions = writes.filter((write) => write.holdResolution);
    if (resolutions.length === 0) return;
    const result = (await runner.query(
      `UPDATE wallet_holds h SET status = r.status, resolution_transaction_id = r.tx, resolved_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS r(id, status, tx)
        WHERE h.id = r.id AND h.status = 'pending'`,
      [
        resolutions.map((w) => w.holdResolution?.id),
        resolutions.map((w) => w.holdResolution?.status),
        resolutions.map((w) => w.id),
      ],
      true,
    )) as { affected?: number };
    if (result.affected !== resolutions.length) {
      throw new Error(`resolved ${String(result.affected)} of ${resolutions.length} holds: a hold changed under lock`);
    }
  }
}

function knownFromRow(row: TransactionRow): KnownTransaction & { idempotency: Idempotency } {
  return {
    id: row.id,
    walletId: row.wallet_id,
    type: row.type,
    currency: row.currency,
    amount: BigInt(row.amount),
    requestHash: row.request_hash,
    result: resultFromStored(row.result),
    entries: row.entries.map((entry) => ({ accountId: entry.accountId, amount: BigInt(entry.amount) })),
    idempotency: { scope: row.scope, key: row.key },
  };
}
