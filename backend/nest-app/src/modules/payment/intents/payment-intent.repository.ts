import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ProviderName } from '../psp/payment-provider';
import { PAYMENT_INTENT_STATUSES, type PaymentMethod } from '@casino/contracts';
import { TERMINAL_STATUSES, type IntentStatus } from './payment-intent.state-machine';
import type { IntentPatch, IntentTransition, PaymentIntent, TransitionCause } from './payment-intent.types';

interface IntentRow {
  id: string;
  user_id: string;
  kind: PaymentIntent['kind'];
  provider: ProviderName;
  method: PaymentMethod | null;
  amount: string;
  currency: string;
  status: IntentStatus;
  provider_reference: string | null;
  next_action: PaymentIntent['nextAction'];
  failure_code: string | null;
  failure_message: string | null;
  approval_required: boolean;
  approved_by: string | null;
  approved_at: Date | null;
  wallet_hold_id: string | null;
  wallet_transaction_id: string | null;
  settled_at: Date | null;
  last_provider_event_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, user_id, kind, provider, method, amount::text AS amount, currency, status, provider_reference, next_action,
  failure_code, failure_message, approval_required, approved_by, approved_at, wallet_hold_id, wallet_transaction_id,
  settled_at, last_provider_event_at, created_at, updated_at`;

const OPEN_STATUSES = PAYMENT_INTENT_STATUSES.filter((status) => !TERMINAL_STATUSES.has(status));

/** Advisory-lock namespace of the deposit gate (`lockDepositGate`): the second key is the hash of the player's id. */
const DEPOSIT_GATE_LOCK_NAMESPACE = 0x0d05;

const PATCH_COLUMNS: Record<keyof IntentPatch, string> = {
  providerReference: 'provider_reference',
  nextAction: 'next_action',
  failureCode: 'failure_code',
  failureMessage: 'failure_message',
  approvedBy: 'approved_by',
  approvedAt: 'approved_at',
  walletHoldId: 'wallet_hold_id',
  walletTransactionId: 'wallet_transaction_id',
  settledAt: 'settled_at',
  lastProviderEventAt: 'last_provider_event_at',
};

/** Payment intents and their transitions; every status change goes through `transition`. */
@Injectable()
export class PaymentIntentRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async insert(
    manager: EntityManager,
    intent: Pick<
      PaymentIntent,
      'id' | 'userId' | 'kind' | 'provider' | 'method' | 'amount' | 'currency' | 'status' | 'approvalRequired'
    >,
    cause: TransitionCause,
  ): Promise<PaymentIntent> {
    const rows = (await manager.query(
      `INSERT INTO payment_intents (id, user_id, kind, provider, amount, currency, status, approval_required, method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        intent.id,
        intent.userId,
        intent.kind,
        intent.provider,
        intent.amount.toString(),
        intent.currency,
        intent.status,
        intent.approvalRequired,
        intent.method,
      ],
    )) as IntentRow[];
    await this.insertTransition(manager, intent.id, null, intent.status, cause);
    return toIntent(rows[0]);
  }

  public async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<PaymentIntent | null> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM payment_intents WHERE id = $1`, [id])) as IntentRow[];
    return rows[0] ? toIntent(rows[0]) : null;
  }

  /** Locks the intent for the rest of the transaction: transitions of one intent never interleave. */
  public async lockById(manager: EntityManager, id: string): Promise<PaymentIntent | null> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM payment_intents WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as IntentRow[];
    return rows[0] ? toIntent(rows[0]) : null;
  }

  public async findByProviderReference(provider: string, reference: string): Promise<PaymentIntent | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents WHERE provider = $1 AND provider_reference = $2`,
      [provider, reference],
    )) as IntentRow[];
    return rows[0] ? toIntent(rows[0]) : null;
  }

  /** Sets the status and the patch, and stores the transition with its cause (the caller checked it is allowed). */
  public async transition(
    manager: EntityManager,
    intent: PaymentIntent,
    to: IntentStatus,
    cause: TransitionCause,
    patch: IntentPatch = {},
  ): Promise<PaymentIntent> {
    const updated = await this.update(manager, intent.id, patch, to);
    await this.insertTransition(manager, intent.id, intent.status, to, cause);
    return updated;
  }

  /** Non-status fields only (the provider reference once known, the wallet transaction once settled). */
  public async update(
    manager: EntityManager,
    id: string,
    patch: IntentPatch,
    status?: IntentStatus,
  ): Promise<PaymentIntent> {
    const sets: string[] = ['updated_at = now()'];
    const values: unknown[] = [id];
    if (status) {
      values.push(status);
      sets.push(`status = $${values.length}`);
    }
    for (const [field, value] of Object.entries(patch)) {
      const column = PATCH_COLUMNS[field as keyof IntentPatch];
      values.push(column === 'next_action' && value !== null ? JSON.stringify(value) : value);
      sets.push(`${column} = $${values.length}`);
    }
    const result = (await manager.query(
      `UPDATE payment_intents SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
      values,
    )) as [IntentRow[], number] | IntentRow[];
    // TypeORM's PostgreSQL driver answers an UPDATE with [rows, count].
    const rows = Array.isArray(result[0]) ? (result[0] as IntentRow[]) : (result as IntentRow[]);
    return toIntent(rows[0]);
  }

  /** Newest first; `afterId` (exclusive) is the last intent of the previous page. */
  public async listForUser(userId: string, limit: number, afterId: string | null): Promise<PaymentIntent[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents
        WHERE user_id = $1
          AND ($2::uuid IS NULL OR (created_at, id) < (SELECT c.created_at, c.id FROM payment_intents c WHERE c.id = $2 AND c.user_id = $1))
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [userId, afterId, limit],
    )) as IntentRow[];
    return rows.map(toIntent);
  }

  public async transitionsOf(intentId: string): Promise<IntentTransition[]> {
    const rows = (await this.dataSource.query(
      `SELECT from_status, to_status, cause, provider_event_id, actor_id, occurred_at
         FROM payment_intent_transitions WHERE intent_id = $1 ORDER BY id`,
      [intentId],
    )) as {
      from_status: IntentStatus | null;
      to_status: IntentStatus;
      cause: string;
      provider_event_id: string | null;
      actor_id: string | null;
      occurred_at: Date;
    }[];
    return rows.map((row) => ({
      fromStatus: row.from_status,
      toStatus: row.to_status,
      cause: row.cause,
      providerEventId: row.provider_event_id,
      actorId: row.actor_id,
      occurredAt: row.occurred_at,
    }));
  }

  /** Deposits that count toward the AML threshold (all but failed and canceled), by currency. */
  public async depositTotalsByCurrency(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, bigint>> {
    const rows = (await manager.query(
      `SELECT currency, sum(amount)::text AS total FROM payment_intents
        WHERE user_id = $1 AND kind = 'deposit' AND status NOT IN ('failed', 'canceled')
        GROUP BY currency`,
      [userId],
    )) as { currency: string; total: string }[];
    return new Map(rows.map((row) => [row.currency, BigInt(row.total)]));
  }

  /**
   * Serialises the deposit gates of one player until the caller's transaction ends (commit or rollback), so two
   * creations never both read totals that leave out the other's intent. A transaction-scoped advisory lock keyed
   * on the player rather than `SELECT … FOR UPDATE` on the users row: it holds up nothing but another deposit
   * gate of the same player, where the users row is also locked by limit changes, KYC decisions and profile
   * writes, and a FOR UPDATE on it would stall inserts of rows that reference the player (their foreign-key
   * checks take FOR KEY SHARE); and the payment module keeps out of the user module's table. Two players whose
   * ids share a hash only wait for each other; neither ever skips the lock.
   */
  public async lockDepositGate(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [DEPOSIT_GATE_LOCK_NAMESPACE, userId]);
  }

  /**
   * Deposits that can still take the player's money, or took it and are not in the RG activity counters yet, in
   * one currency: every status but the terminal ones (`requires_payment_method` included: the payer can still
   * pay it), and `succeeded` until settled (the wallet credit and the RG record are written by the settlement,
   * which sets `settled_at` after the RG record committed).
   */
  public async depositsInFlight(
    userId: string,
    currency: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<bigint> {
    const rows = (await manager.query(
      `SELECT coalesce(sum(amount), 0)::text AS total FROM payment_intents
        WHERE user_id = $1 AND currency = $2 AND kind = 'deposit'
          AND (status IN ('requires_payment_method', 'requires_action', 'processing', 'requires_capture')
               OR (status = 'succeeded' AND settled_at IS NULL))`,
      [userId, currency],
    )) as { total: string }[];
    return BigInt(rows[0]?.total ?? '0');
  }

  /** Deposits still waiting for the payer that nothing touched since `olderThan`, oldest first. */
  public async findAbandonedDeposits(olderThan: Date, limit: number): Promise<PaymentIntent[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents
        WHERE status = 'requires_payment_method' AND kind = 'deposit' AND updated_at < $1
        ORDER BY updated_at LIMIT $2`,
      [olderThan, limit],
    )) as IntentRow[];
    return rows.map(toIntent);
  }

  /**
   * Deposits waiting for the payer with no provider reference that nothing touched since `olderThan`: the answer to
   * their creation at the provider was lost (or the process stopped before storing it). As in findAwaitingProvider,
   * those whose provider was asked least recently come first (never asked: first of all, oldest first), so that
   * deposits the provider has no payment for do not hold the batch for good.
   */
  public async findOpenDepositsWithoutReference(olderThan: Date, limit: number): Promise<PaymentIntent[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents
        WHERE status = 'requires_payment_method' AND kind = 'deposit' AND provider_reference IS NULL AND updated_at < $1
        ORDER BY provider_checked_at NULLS FIRST, updated_at, id LIMIT $2`,
      [olderThan, limit],
    )) as IntentRow[];
    return rows.map(toIntent);
  }

  /**
   * Withdrawals still in their first status that nothing touched since `olderThan`, oldest first: the creation that
   * places their hold and stores it never finished (its process stopped, or storing the hold failed).
   */
  public async findStalledWithdrawals(olderThan: Date, limit: number): Promise<PaymentIntent[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents
        WHERE status = 'requires_payment_method' AND kind = 'withdrawal' AND updated_at < $1
        ORDER BY updated_at LIMIT $2`,
      [olderThan, limit],
    )) as IntentRow[];
    return rows.map(toIntent);
  }

  /** Intents whose money movement is still owed: terminal, or a withdrawal whose hold is not placed yet. */
  public async findUnsettled(olderThan: Date, limit: number): Promise<PaymentIntent[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents
        WHERE settled_at IS NULL AND status IN ('succeeded', 'canceled', 'failed') AND updated_at < $1
        ORDER BY updated_at LIMIT $2`,
      [olderThan, limit],
    )) as IntentRow[];
    return rows.map(toIntent);
  }

  /** Withdrawals accepted (hold placed, approved or under the threshold) whose payout was not sent yet. */
  public async findPayoutsToSend(olderThan: Date, limit: number): Promise<PaymentIntent[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents
        WHERE kind = 'withdrawal' AND status = 'processing' AND provider_reference IS NULL AND updated_at < $1
        ORDER BY updated_at LIMIT $2`,
      [olderThan, limit],
    )) as IntentRow[];
    return rows.map(toIntent);
  }

  /**
   * Intents waiting for their provider's outcome that nothing touched since `olderThan`: open deposits the provider
   * knows (they have its reference) and withdrawals whose payout was sent. Their webhook may be lost. Those whose
   * provider was asked least recently come first (never asked: first of all, oldest first), so that intents the
   * provider keeps pending do not hold the batch for good.
   */
  public async findAwaitingProvider(olderThan: Date, limit: number): Promise<PaymentIntent[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents
        WHERE provider_reference IS NOT NULL AND updated_at < $1
          AND ((kind = 'deposit' AND status IN ('requires_payment_method', 'requires_action', 'processing', 'requires_capture'))
               OR (kind = 'withdrawal' AND status = 'processing'))
        ORDER BY provider_checked_at NULLS FIRST, updated_at, id LIMIT $2`,
      [olderThan, limit],
    )) as IntentRow[];
    return rows.map(toIntent);
  }

  /**
   * Notes that the intent's provider is being asked about it (the order of findAwaitingProvider and
   * findOpenDepositsWithoutReference). `updated_at` stays as it
   * was: asking changes nothing of the intent, and the expiry and reconciliation's grace read it.
   */
  public async markProviderChecked(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE payment_intents SET provider_checked_at = $2 WHERE id = $1`, [id, at]);
  }

  public async findCreatedSince(since: Date): Promise<PaymentIntent[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_intents WHERE created_at >= $1 ORDER BY created_at`,
      [since],
    )) as IntentRow[];
    return rows.map(toIntent);
  }

  /** Intents not in a final status, counted by provider, kind and status (the status index's open ranges). */
  public async countOpen(): Promise<{ provider: string; kind: string; status: string; count: number }[]> {
    return (await this.dataSource.query(
      `SELECT provider, kind, status, count(*)::int AS count FROM payment_intents
        WHERE status = ANY($1::text[]) GROUP BY provider, kind, status`,
      [OPEN_STATUSES],
    )) as { provider: string; kind: string; status: string; count: number }[];
  }

  private async insertTransition(
    manager: EntityManager,
    intentId: string,
    from: IntentStatus | null,
    to: IntentStatus,
    cause: TransitionCause,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO payment_intent_transitions (intent_id, from_status, to_status, cause, provider_event_id, actor_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [
        intentId,
        from,
        to,
        cause.cause,
        cause.providerEventId ?? null,
        cause.actorId ?? null,
        JSON.stringify(cause.details ?? {}),
      ],
    );
  }
}

function toIntent(row: IntentRow): PaymentIntent {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    provider: row.provider,
    method: row.method,
    amount: BigInt(row.amount),
    currency: row.currency,
    status: row.status,
    providerReference: row.provider_reference,
    nextAction: row.next_action,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    approvalRequired: row.approval_required,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    walletHoldId: row.wallet_hold_id,
    walletTransactionId: row.wallet_transaction_id,
    settledAt: row.settled_at,
    lastProviderEventAt: row.last_provider_event_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
