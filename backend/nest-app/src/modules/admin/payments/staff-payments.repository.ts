import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KeysetPosition } from '../shared/keyset-cursor';

export interface StaffPaymentQuery {
  status?: string;
  type?: 'deposit' | 'withdrawal';
  provider?: string;
  userId?: string;
  minAmount?: bigint;
  maxAmount?: bigint;
  currency?: string;
  from?: string;
  to?: string;
  after: KeysetPosition | null;
  limit: number;
}

export interface StaffPaymentRow {
  id: string;
  userId: string;
  type: 'deposit' | 'withdrawal';
  status: string;
  provider: string;
  amount: string;
  currency: string;
  providerReference: string | null;
  approvalRequired: boolean;
  approvedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  cursorAt: string;
}

const COLUMNS = `id, user_id AS "userId", kind AS type, status, provider, amount::text AS amount, currency,
  provider_reference AS "providerReference", approval_required AS "approvalRequired", approved_by AS "approvedBy",
  created_at AS "createdAt", updated_at AS "updatedAt", created_at::text AS "cursorAt"`;

/** The back office's read-only view of the payment module's payment_intents (ADR 0018). */
@Injectable()
export class StaffPaymentsRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** Newest first, keyset on (created_at, id); reads `limit + 1` rows. */
  public async list(query: StaffPaymentQuery): Promise<StaffPaymentRow[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR provider = $3)
          AND ($4::uuid IS NULL OR user_id = $4) AND ($5::bigint IS NULL OR amount >= $5) AND ($6::bigint IS NULL OR amount <= $6)
          AND ($7::text IS NULL OR currency = $7)
          AND ($8::timestamptz IS NULL OR created_at >= $8) AND ($9::timestamptz IS NULL OR created_at < $9)
          AND ($10::timestamptz IS NULL OR (created_at, id) < ($10::timestamptz, $11::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $12`,
      [
        query.status ?? null,
        query.type ?? null,
        query.provider ?? null,
        query.userId ?? null,
        query.minAmount?.toString() ?? null,
        query.maxAmount?.toString() ?? null,
        query.currency ?? null,
        query.from ?? null,
        query.to ?? null,
        query.after?.at ?? null,
        query.after?.id ?? null,
        query.limit + 1,
      ],
    )) as StaffPaymentRow[];
  }

  /** Withdrawals waiting for a finance decision, oldest first (the approval queue); keyset ascending. */
  public async approvalQueue(after: KeysetPosition | null, limit: number): Promise<StaffPaymentRow[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents
        WHERE kind = 'withdrawal' AND approval_required AND status = 'requires_action'
          AND ($1::timestamptz IS NULL OR (created_at, id) > ($1::timestamptz, $2::uuid))
        ORDER BY created_at, id LIMIT $3`,
      [after?.at ?? null, after?.id ?? null, limit + 1],
    )) as StaffPaymentRow[];
  }

  public async countAwaitingApproval(): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM payment_intents
        WHERE kind = 'withdrawal' AND approval_required AND status = 'requires_action'`,
    )) as { count: number }[];
    return rows[0]?.count ?? 0;
  }
}
