import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { WalletAccounts } from './ledger/ledger.types';

export interface WalletBalanceRow {
  walletId: string;
  userId: string;
  currency: string;
  cash: bigint;
  bonus: bigint;
  held: bigint;
}

export interface TransactionListFilter {
  walletIds: string[];
  types?: string[];
  from?: Date;
  to?: Date;
  /** Exclusive: rows after this one in the listing order (newest first). */
  afterId?: string;
  limit: number;
}

export interface TransactionRow {
  id: string;
  walletId: string;
  type: string;
  currency: string;
  amount: bigint;
  createdAt: Date;
  reversesTransactionId: string | null;
  holdId: string | null;
  metadata: Record<string, string>;
}

const WALLET_ACCOUNTS_SQL = `
  SELECT w.id AS wallet_id, w.user_id, w.currency,
         (array_agg(a.id) FILTER (WHERE a.kind = 'player_cash'))[1] AS cash,
         (array_agg(a.id) FILTER (WHERE a.kind = 'player_bonus'))[1] AS bonus,
         (array_agg(a.id) FILTER (WHERE a.kind = 'player_held'))[1] AS held
    FROM wallets w JOIN ledger_accounts a ON a.wallet_id = w.id`;

const BALANCES_SQL = `
  SELECT w.id AS wallet_id, w.user_id, w.currency,
         sum(a.balance) FILTER (WHERE a.kind = 'player_cash')::text AS cash,
         sum(a.balance) FILTER (WHERE a.kind = 'player_bonus')::text AS bonus,
         sum(a.balance) FILTER (WHERE a.kind = 'player_held')::text AS held
    FROM wallets w JOIN ledger_accounts a ON a.wallet_id = w.id`;

type AccountsRow = { wallet_id: string; user_id: string; currency: string; cash: string; bonus: string; held: string };

/** Wallets, their player accounts and read models; the money-moving SQL is in LedgerRepository. */
@Injectable()
export class WalletRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** Creates the wallet and its cash, bonus and held accounts in one statement, unless it exists. */
  public async createIfAbsent(userId: string, currency: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `WITH wallet AS (
         INSERT INTO wallets (user_id, currency) VALUES ($1, $2) ON CONFLICT (user_id, currency) DO NOTHING
         RETURNING id, currency),
       accounts AS (
         INSERT INTO ledger_accounts (code, kind, currency, wallet_id)
         SELECT 'wallet:' || wallet.id || ':' || kind, 'player_' || kind, wallet.currency, wallet.id
           FROM wallet, unnest(ARRAY['cash', 'bonus', 'held']) AS kind
         RETURNING 1)
       SELECT count(*)::int AS created FROM accounts`,
      [userId, currency],
    )) as { created: number }[];
    return (rows[0]?.created ?? 0) > 0;
  }

  public async currencyExists(currency: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM currencies WHERE code = $1`, [currency])) as unknown[];
    return rows.length > 0;
  }

  public async findAccounts(
    walletIds: string[],
    owners: { userId: string; currency: string }[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<WalletAccounts[]> {
    if (walletIds.length === 0 && owners.length === 0) return [];
    const rows = (await manager.query(
      `${WALLET_ACCOUNTS_SQL}
        WHERE w.id IN (
          SELECT id FROM wallets WHERE id = ANY($1::uuid[])
          UNION ALL
          SELECT x.id FROM unnest($2::uuid[], $3::char(3)[]) AS o(user_id, currency)
            JOIN wallets x ON x.user_id = o.user_id AND x.currency = o.currency AND x.user_id = ANY($2::uuid[]))
        GROUP BY w.id`,
      [walletIds, owners.map((owner) => owner.userId), owners.map((owner) => owner.currency)],
    )) as AccountsRow[];
    return rows.map((row) => ({
      walletId: row.wallet_id,
      userId: row.user_id,
      currency: row.currency,
      cash: row.cash,
      bonus: row.bonus,
      held: row.held,
    }));
  }

  public async balancesOfUser(userId: string): Promise<WalletBalanceRow[]> {
    const rows = (await this.dataSource.query(
      `${BALANCES_SQL} WHERE w.user_id = $1 GROUP BY w.id ORDER BY w.currency`,
      [userId],
    )) as AccountsRow[];
    return rows.map(toBalanceRow);
  }

  public async balancesOfWallet(walletId: string): Promise<WalletBalanceRow | null> {
    const rows = (await this.dataSource.query(`${BALANCES_SQL} WHERE w.id = $1 GROUP BY w.id`, [
      walletId,
    ])) as AccountsRow[];
    return rows[0] ? toBalanceRow(rows[0]) : null;
  }

  /** The hold placed by the hold transaction with this idempotency key (the key's unique index), or null. */
  public async findHoldIdByIdempotencyKey(scope: string, key: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT hold_id FROM ledger_transactions
        WHERE idempotency_scope = $1 AND idempotency_key = $2 AND type = 'hold'`,
      [scope, key],
    )) as { hold_id: string | null }[];
    return rows[0]?.hold_id ?? null;
  }

  public async listTransactions(filter: TransactionListFilter): Promise<TransactionRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, wallet_id, type, currency, amount::text AS amount, created_at, reverses_transaction_id, hold_id, metadata
         FROM ledger_transactions
        WHERE wallet_id = ANY($1::uuid[])
          AND ($2::text[] IS NULL OR type = ANY($2::text[]))
          AND ($3::timestamptz IS NULL OR created_at >= $3)
          AND ($4::timestamptz IS NULL OR created_at < $4)
          AND ($5::uuid IS NULL OR (created_at, id) < (SELECT c.created_at, c.id FROM ledger_transactions c WHERE c.id = $5 AND c.wallet_id = ANY($1::uuid[])))
        ORDER BY created_at DESC, id DESC
        LIMIT $6`,
      [
        filter.walletIds,
        filter.types && filter.types.length > 0 ? filter.types : null,
        filter.from ?? null,
        filter.to ?? null,
        filter.afterId ?? null,
        filter.limit,
      ],
    )) as {
      id: string;
      wallet_id: string;
      type: string;
      currency: string;
      amount: string;
      created_at: Date;
      reverses_transaction_id: string | null;
      hold_id: string | null;
      metadata: Record<string, string>;
    }[];
    return rows.map((row) => ({
      id: row.id,
      walletId: row.wallet_id,
      type: row.type,
      currency: row.currency,
      amount: BigInt(row.amount),
      createdAt: row.created_at,
      reversesTransactionId: row.reverses_transaction_id,
      holdId: row.hold_id,
      metadata: row.metadata,
    }));
  }
}

function toBalanceRow(row: AccountsRow): WalletBalanceRow {
  return {
    walletId: row.wallet_id,
    userId: row.user_id,
    currency: row.currency,
    cash: BigInt(row.cash),
    bonus: BigInt(row.bonus),
    held: BigInt(row.held),
  };
}
