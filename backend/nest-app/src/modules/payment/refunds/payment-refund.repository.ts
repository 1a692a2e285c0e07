import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface PaymentRefund {
  id: string;
  intentId: string;
  userId: string;
  amount: bigint;
  currency: string;
  status: RefundStatus;
  holdId: string | null;
  walletTransactionId: string | null;
  providerReference: string | null;
  failureCode: string | null;
  staffId: string;
  reason: string;
  createdAt: Date;
}

interface Row {
  id: string;
  intent_id: string;
  user_id: string;
  amount: string;
  currency: string;
  status: RefundStatus;
  hold_id: string | null;
  wallet_transaction_id: string | null;
  provider_reference: string | null;
  failure_code: string | null;
  staff_id: string;
  reason: string;
  created_at: Date;
}

const COLUMNS = `id, intent_id, user_id, amount::text AS amount, currency, status, hold_id, wallet_transaction_id,
  provider_reference, failure_code, staff_id, reason, created_at`;

/** The payment_refunds table: one row per refunded deposit. */
@Injectable()
export class PaymentRefundRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** Null when the deposit has a refund already (the caller reads it). */
  public async insertIfAbsent(
    manager: EntityManager,
    refund: Pick<PaymentRefund, 'intentId' | 'userId' | 'amount' | 'currency' | 'staffId' | 'reason'>,
  ): Promise<PaymentRefund | null> {
    const rows = (await manager.query(
      `INSERT INTO payment_refunds (intent_id, user_id, amount, currency, status, staff_id, reason)
       VALUES ($1, $2, $3, $4, 'pending', $5, $6) ON CONFLICT (intent_id) DO NOTHING RETURNING ${COLUMNS}`,
      [refund.intentId, refund.userId, refund.amount.toString(), refund.currency, refund.staffId, refund.reason],
    )) as Row[];
    return rows[0] ? toRefund(rows[0]) : null;
  }

  public async findByIntent(intentId: string): Promise<PaymentRefund | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM payment_refunds WHERE intent_id = $1`, [
      intentId,
    ])) as Row[];
    return rows[0] ? toRefund(rows[0]) : null;
  }

  /** Sets fields of a refund still pending; answers it as it is after. */
  public async updatePending(
    id: string,
    patch: Partial<Pick<PaymentRefund, 'holdId' | 'walletTransactionId' | 'providerReference' | 'failureCode'>> & {
      status?: RefundStatus;
    },
  ): Promise<PaymentRefund | null> {
    const rows = (await this.dataSource.query(
      `UPDATE payment_refunds SET status = coalesce($2, status), hold_id = coalesce($3, hold_id),
              wallet_transaction_id = coalesce($4, wallet_transaction_id),
              provider_reference = coalesce($5, provider_reference), failure_code = coalesce($6, failure_code),
              updated_at = now()
        WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [
        id,
        patch.status ?? null,
        patch.holdId ?? null,
        patch.walletTransactionId ?? null,
        patch.providerReference ?? null,
        patch.failureCode ?? null,
      ],
    )) as [Row[], number];
    return rows[0][0] ? toRefund(rows[0][0]) : null;
  }
}

function toRefund(row: Row): PaymentRefund {
  return {
    id: row.id,
    intentId: row.intent_id,
    userId: row.user_id,
    amount: BigInt(row.amount),
    currency: row.currency,
    status: row.status,
    holdId: row.hold_id,
    walletTransactionId: row.wallet_transaction_id,
    providerReference: row.provider_reference,
    failureCode: row.failure_code,
    staffId: row.staff_id,
    reason: row.reason,
    createdAt: row.created_at,
  };
}
