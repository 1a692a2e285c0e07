import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  AdjustmentListFilter,
  AdjustmentRequest,
  AdjustmentStatus,
  NewAdjustmentRequest,
} from './adjustment-request.types';

const COLUMNS = `id, wallet_id, user_id, currency, amount::text AS amount, balance, reason, status, maker_id, request_hash,
  checker_id, decision_reason, transaction_id, failure_code, created_at, decided_at, created_at::text AS cursor_at`;

interface Row {
  id: string;
  wallet_id: string;
  user_id: string;
  currency: string;
  amount: string;
  balance: 'cash' | 'bonus';
  reason: string;
  status: AdjustmentStatus;
  maker_id: string;
  request_hash: string;
  checker_id: string | null;
  decision_reason: string | null;
  transaction_id: string | null;
  failure_code: string | null;
  created_at: Date;
  decided_at: Date | null;
  cursor_at: string;
}

/** The adjustment_requests table: purpose-named statements, no rules. */
@Injectable()
export class AdjustmentRequestsRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** Null when the maker already used this key (the caller reads that request instead). */
  public async insertIfAbsent(
    manager: EntityManager,
    request: NewAdjustmentRequest,
  ): Promise<AdjustmentRequest | null> {
    const rows = (await manager.query(
      `INSERT INTO adjustment_requests (wallet_id, user_id, currency, amount, balance, reason, status, maker_id, maker_key,
                                        request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9)
       ON CONFLICT (maker_id, maker_key) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        request.walletId,
        request.userId,
        request.currency,
        request.amount.toString(),
        request.balance,
        request.reason,
        request.makerId,
        request.makerKey,
        request.requestHash,
      ],
    )) as Row[];
    return rows[0] ? toRequest(rows[0]) : null;
  }

  public async findByMakerKey(makerId: string, makerKey: string): Promise<AdjustmentRequest | null> {
    return this.one(
      this.dataSource.manager,
      `SELECT ${COLUMNS} FROM adjustment_requests WHERE maker_id = $1 AND maker_key = $2`,
      [makerId, makerKey],
    );
  }

  public async findById(id: string): Promise<AdjustmentRequest | null> {
    return this.one(this.dataSource.manager, `SELECT ${COLUMNS} FROM adjustment_requests WHERE id = $1`, [id]);
  }

  /**
   * Decides a pending request, once: the row lock makes concurrent deciders wait, and the later ones find it decided
   * (null). `checkerId` null is the maker's own approval of an amount within the threshold.
   */
  public async decide(
    manager: EntityManager,
    id: string,
    decision: { status: 'approved' | 'rejected'; checkerId: string | null; reason: string | null; at: Date },
  ): Promise<AdjustmentRequest | null> {
    return this.one(
      manager,
      `UPDATE adjustment_requests SET status = $2, checker_id = $3, decision_reason = $4, decided_at = $5
        WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [id, decision.status, decision.checkerId, decision.reason, decision.at],
    );
  }

  public async markPosted(id: string, transactionId: string): Promise<AdjustmentRequest | null> {
    return this.one(
      this.dataSource.manager,
      `UPDATE adjustment_requests SET transaction_id = $2 WHERE id = $1 AND status = 'approved' RETURNING ${COLUMNS}`,
      [id, transactionId],
    );
  }

  public async markFailed(manager: EntityManager, id: string, failureCode: string): Promise<AdjustmentRequest | null> {
    return this.one(
      manager,
      `UPDATE adjustment_requests SET status = 'failed', failure_code = $2
        WHERE id = $1 AND status = 'approved' AND transaction_id IS NULL RETURNING ${COLUMNS}`,
      [id, failureCode],
    );
  }

  /** Newest first, keyset on (created_at, id). Reads `limit + 1` rows. */
  public async list(filter: AdjustmentListFilter): Promise<AdjustmentRequest[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM adjustment_requests
        WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR wallet_id = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [
        filter.status ?? null,
        filter.walletId ?? null,
        filter.after?.at ?? null,
        filter.after?.id ?? null,
        filter.limit + 1,
      ],
    )) as Row[];
    return rows.map(toRequest);
  }

  public async countPending(): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM adjustment_requests WHERE status = 'pending'`,
    )) as { count: number }[];
    return rows[0]?.count ?? 0;
  }

  private async one(manager: EntityManager, sql: string, parameters: unknown[]): Promise<AdjustmentRequest | null> {
    const result = (await manager.query(sql, parameters)) as Row[] | [Row[], number];
    const rows = isUpdateResult(result) ? result[0] : result;
    return rows[0] ? toRequest(rows[0]) : null;
  }
}

function isUpdateResult(rows: Row[] | [Row[], number]): rows is [Row[], number] {
  return rows.length === 2 && Array.isArray(rows[0]) && typeof rows[1] === 'number';
}

function toRequest(row: Row): AdjustmentRequest {
  return {
    id: row.id,
    walletId: row.wallet_id,
    userId: row.user_id,
    currency: row.currency,
    amount: BigInt(row.amount),
    balance: row.balance,
    reason: row.reason,
    status: row.status,
    makerId: row.maker_id,
    requestHash: row.request_hash,
    checkerId: row.checker_id,
    decisionReason: row.decision_reason,
    transactionId: row.transaction_id,
    failureCode: row.failure_code,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    cursorAt: row.cursor_at,
  };
}
