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
  /** The staff request's Idempotency-Key (`whole` for a refund of the whole deposit asked without one). */
  idempotencyKey: string;
  /** The key the PSP is asked with: the same on every retry of this refund. */
  providerIdempotencyKey: string;
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
  idempotency_key: string;
  provider_idempotency_key: string;
  created_at: Date;
}

const COLUMNS = `id, intent_id, user_id, amount::text AS amount, currency, status, hold_id, wallet_transaction_id,
  provider_reference, failure_code, staff_id, reason, idempotency_key, provider_idempotency_key, created_at`;

/** The payment_refunds table: the refunds of each deposit, one per staff request (Idempotency-Key). */
@Injectable()
export class PaymentRefundRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** A new pending refund; the caller holds the deposit's row lock and has checked the key is unused. */
  public async insert(
    manager: EntityManager,
    refund: Pick<
      PaymentRefund,
      | 'id'
      | 'intentId'
      | 'userId'
      | 'amount'
      | 'currency'
      | 'staffId'
      | 'reason'
      | 'idempotencyKey'
      | 'providerIdempotencyKey'
    >,
  ): Promise<PaymentRefund> {
    const rows = (await manager.query(
      `INSERT INTO payment_refunds (id, intent_id, user_id, amount, currency, status, staff_id, reason, idempotency_key,
         provider_idempotency_key)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        refund.id,
        refund.intentId,
        refund.userId,
        refund.amount.toString(),
        refund.currency,
        refund.staffId,
        refund.reason,
        refund.idempotencyKey,
        refund.providerIdempotencyKey,
      ],
    )) as Row[];
    return toRefund(rows[0] as Row);
  }

  public async findByIdempotencyKey(
    intentId: string,
    idempotencyKey: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PaymentRefund | null> {
    const rows = (await manager.query(
      `SELECT ${COLUMNS} FROM payment_refunds WHERE intent_id = $1 AND idempotency_key = $2`,
      [intentId, idempotencyKey],
    )) as Row[];
    return rows[0] ? toRefund(rows[0]) : null;
  }

  /** What the deposit's refunds take of its captured amount: succeeded and pending ones (a failed one gave it back). */
  public async committedAmount(manager: EntityManager, intentId: string): Promise<bigint> {
    const rows = (await manager.query(
      `SELECT coalesce(sum(amount), 0)::text AS total FROM payment_refunds WHERE intent_id = $1 AND status <> 'failed'`,
      [intentId],
    )) as { total: string }[];
    return BigInt(rows[0]?.total ?? '0');
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
    idempotencyKey: row.idempotency_key,
    providerIdempotencyKey: row.provider_idempotency_key,
    createdAt: row.created_at,
  };
}
