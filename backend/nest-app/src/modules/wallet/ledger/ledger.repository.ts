import type { WalletTransactionType } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { HoldState, KnownTransaction, TransactionWrite } from './ledger-state';
import type { AccountKind, Idempotency, LedgerResult } from './ledger.types';
import type { SystemAccountSpec } from './system-accounts';

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

/** LedgerResult as stored in `ledger_transactions.result` (amounts as strings). */
export interface StoredResult {
  transactionId: string;
  transactionType: WalletTransactionType;
  walletId: string;
  holdId?: string;
  balances: { cash: string; bonus: string; held: string; available: string; currency: string };
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

/** The SQL of the ledger's hot path: every statement is set-based, so a batch costs a few round trips. */
@Injectable()
export class LedgerRepository {
  public async findTransactions(
    runner: QueryRunner,
    ids: string[],
    keys: Idempotency[],
  ): Promise<(KnownTransaction & { idempotency: Idempotency })[]> {
    if (ids.length === 0 && keys.length === 0) return [];
    const rows = (await runner.query(
      `SELECT t.id, t.wallet_id, t.type, t.currency, t.amount::text AS amount, t.request_hash, t.result,
              t.idempotency_scope AS scope, t.idempotency_key AS key,
              COALESCE((SELECT json_agg(json_build_object('accountId', e.account_id, 'amount', e.amount::text) ORDER BY e.id)
                          FROM ledger_entries e WHERE e.transaction_id = t.id), '[]'::json) AS entries
         FROM ledger_transactions t
        WHERE t.id IN (
          SELECT id FROM ledger_transactions WHERE id = ANY($1::uuid[])
          UNION ALL
          SELECT x.id FROM unnest($2::text[], $3::text[]) AS k(scope, key)
            JOIN ledger_transactions x ON x.idempotency_scope = k.scope AND x.idempotency_key = k.key)`,
      [ids, keys.map((key) => key.scope), keys.map((key) => key.key)],
    )) as TransactionRow[];
    return rows.map((row) => ({
      id: row.id,
      walletId: row.wallet_id,
      type: row.type,
      currency: row.currency,
      amount: BigInt(row.amount),
      requestHash: row.request_hash,
      result: resultFromStored(row.result),
      entries: row.entries.map((entry) => ({ accountId: entry.accountId, amount: BigInt(entry.amount) })),
      idempotency: { scope: row.scope, key: row.key },
    }));
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

  /** Locks the accounts in id order (so concurrent batches never deadlock) and reads their balances. */
  public async lockAccounts(runner: QueryRunner, ids: string[]): Promise<LockedAccount[]> {
    const rows = (await runner.query(
      `SELECT id, kind, balance::text AS balance FROM ledger_accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    )) as { id: string; kind: AccountKind; balance: string }[];
    return rows.map((row) => ({ id: row.id, kind: row.kind, balance: BigInt(row.balance) }));
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

  /** Inserts the transactions; returns how many were new (fewer means a concurrent batch took a key). */
  public async insertTransactions(runner: QueryRunner, writes: TransactionWrite[]): Promise<number> {
    const sorted = [...writes].sort((a, b) => compareKeys(a.command.idempotency, b.command.idempotency));
    const result = (await runner.query(
      `INSERT INTO ledger_transactions (id, wallet_id, type, currency, amount, idempotency_scope, idempotency_key,
                                        request_hash, reverses_transaction_id, hold_id, event_id, result, metadata)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::char(3)[], $5::bigint[], $6::text[], $7::text[],
                            $8::char(64)[], $9::uuid[], $10::uuid[], $11::uuid[], $12::jsonb[], $13::jsonb[])
       ON CONFLICT (idempotency_scope, idempotency_key) DO NOTHING`,
      [
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
      ],
      true,
    )) as { affected?: number };
    return result.affected ?? 0;
  }

  /** One statement for the whole batch: the ledger trigger checks zero-sum and moves the balances. */
  public async insertEntries(runner: QueryRunner, writes: TransactionWrite[]): Promise<void> {
    const entries = writes.flatMap((write) =>
      write.entries.map((entry) => [write.id, entry.accountId, write.currency, entry.amount.toString()]),
    );
    if (entries.length === 0) return;
    await runner.query(
      `INSERT INTO ledger_entries (transaction_id, account_id, currency, amount)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::char(3)[], $4::bigint[])`,
      [0, 1, 2, 3].map((column) => entries.map((entry) => entry[column])),
    );
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

function compareKeys(a: Idempotency, b: Idempotency): number {
  if (a.scope !== b.scope) return a.scope < b.scope ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function resultToStored(result: LedgerResult): StoredResult {
  const { balances } = result;
  return {
    transactionId: result.transactionId,
    transactionType: result.transactionType,
    walletId: result.walletId,
    ...(result.holdId ? { holdId: result.holdId } : {}),
    balances: {
      cash: balances.cash.toString(),
      bonus: balances.bonus.toString(),
      held: balances.held.toString(),
      available: balances.available.toString(),
      currency: balances.currency,
    },
  };
}

export function resultFromStored(stored: StoredResult): LedgerResult {
  const { balances } = stored;
  return {
    transactionId: stored.transactionId,
    transactionType: stored.transactionType,
    walletId: stored.walletId,
    ...(stored.holdId ? { holdId: stored.holdId } : {}),
    balances: {
      cash: BigInt(balances.cash),
      bonus: BigInt(balances.bonus),
      held: BigInt(balances.held),
      available: BigInt(balances.available),
      currency: balances.currency,
    },
    replayed: false,
  };
}
