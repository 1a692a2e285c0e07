import { WALLET_TRANSACTION_COMPLETED } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface LedgerCheck {
  name: string;
  /** Returns at most one offending row; no row means the invariant holds. */
  sql: string;
}

/** Every invariant of the ledger, each as a query for its first violation. */
export const LEDGER_CHECKS: LedgerCheck[] = [
  {
    name: 'transactions sum to zero per currency',
    sql: `SELECT transaction_id, currency, sum(amount)::text AS sum FROM ledger_entries
           GROUP BY transaction_id, currency HAVING sum(amount) <> 0 LIMIT 1`,
  },
  {
    name: 'entries are in their transaction currency',
    sql: `SELECT e.id::text AS entry_id, e.transaction_id, e.currency, t.currency AS transaction_currency
            FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
           WHERE e.currency <> t.currency LIMIT 1`,
  },
  {
    name: 'account balances equal the sum of their entries',
    sql: `SELECT a.id, a.code, a.balance::text AS balance, COALESCE(s.total, 0)::text AS entries_sum
            FROM ledger_accounts a
            LEFT JOIN (SELECT account_id, sum(amount) AS total FROM ledger_entries GROUP BY account_id) s
              ON s.account_id = a.id
           WHERE a.balance <> COALESCE(s.total, 0) LIMIT 1`,
  },
  {
    name: 'no player balance is negative',
    sql: `SELECT id, code, balance::text AS balance FROM ledger_accounts
           WHERE kind LIKE 'player\\_%' AND balance < 0 LIMIT 1`,
  },
  {
    name: 'every wallet has one cash, one bonus and one held account',
    sql: `SELECT w.id AS wallet_id, count(a.id)::int AS accounts FROM wallets w
            LEFT JOIN ledger_accounts a ON a.wallet_id = w.id
           GROUP BY w.id HAVING count(DISTINCT a.kind) FILTER (WHERE a.kind IN ('player_cash', 'player_bonus', 'player_held')) <> 3
              OR count(a.id) <> 3 LIMIT 1`,
  },
  {
    name: 'held balances equal the pending holds',
    sql: `SELECT a.wallet_id, a.balance::text AS held, COALESCE(h.total, 0)::text AS pending_holds
            FROM ledger_accounts a
            LEFT JOIN (SELECT wallet_id, sum(amount) AS total FROM wallet_holds WHERE status = 'pending' GROUP BY wallet_id) h
              ON h.wallet_id = a.wallet_id
           WHERE a.kind = 'player_held' AND a.balance <> COALESCE(h.total, 0) LIMIT 1`,
  },
  {
    name: 'every transaction has its wallet.transaction.completed event in the outbox',
    sql: `SELECT t.id AS transaction_id, t.event_id FROM ledger_transactions t
            LEFT JOIN outbox_events o ON o.id = t.event_id
           WHERE o.id IS NULL OR o.event_type <> '${WALLET_TRANSACTION_COMPLETED}'
              OR o.envelope -> 'payload' ->> 'transactionId' <> t.id::text LIMIT 1`,
  },
  {
    name: 'every rollback exactly reverses its original',
    sql: `SELECT r.id AS rollback_id, r.reverses_transaction_id FROM ledger_transactions r
           WHERE r.type = 'rollback' AND EXISTS (
             SELECT account_id, sum(amount) FROM (
               SELECT account_id, amount FROM ledger_entries WHERE transaction_id = r.id
               UNION ALL
               SELECT account_id, amount FROM ledger_entries WHERE transaction_id = r.reverses_transaction_id) both_sides
             GROUP BY account_id HAVING sum(amount) <> 0) LIMIT 1`,
  },
];

export type VerificationResult =
  | { ok: true; checked: string[] }
  | { ok: false; checked: string[]; violation: { check: string; row: Record<string, unknown> } };

/** `npm run wallet:verify`: checks every invariant over the whole database in one consistent snapshot. */
@Injectable()
export class WalletVerifier {
  public constructor(private readonly dataSource: DataSource) {}

  public async verify(): Promise<VerificationResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const checked: string[] = [];
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for (const check of LEDGER_CHECKS) {
        const rows = (await runner.query(check.sql)) as Record<string, unknown>[];
        if (rows[0]) return { ok: false, checked, violation: { check: check.name, row: rows[0] } };
        checked.push(check.name);
      }
      return { ok: true, checked };
    } finally {
      await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }
}
