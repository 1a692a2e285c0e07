import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../../common/http/request-origin';
import { WalletService } from '../../wallet/wallet.service';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import type { PaymentIntent } from '../intents/payment-intent.types';
import { PaymentProviders } from '../psp/payment-providers';
import { PaymentRefundRepository, type PaymentRefund } from './payment-refund.repository';

const WALLET_SCOPE = 'payment-refund';
/** The key of a refund of the whole deposit asked without an Idempotency-Key (no header can be it: it has a space). */
const WHOLE_DEPOSIT = 'whole deposit';

export interface RefundRequest {
  reason: string;
  /** Minor units; absent: the whole deposit (without a key) or all that is left (with one). */
  amount?: bigint;
  /** The staff request's Idempotency-Key header; required with `amount`. */
  idempotencyKey?: string;
}

/**
 * Staff refund a captured deposit, whole or in parts, through its PSP (ADR 0018). Each refund is opened under the
 * deposit's row lock, so concurrent ones together never exceed the captured amount (pending ones count; a failed one
 * gives its amount back): more is PAYMENT_REFUND_EXCEEDS_REMAINING. The player's cash is held first (a player who
 * spent it cannot be refunded: INSUFFICIENT_FUNDS, nothing asked of the PSP), then the PSP refunds, then the hold is
 * captured: the wallet is debited once per refund. A PSP refusal releases the hold; a PSP that does not answer leaves
 * the refund pending with its hold, and the same request (same Idempotency-Key) later resumes it with the same keys.
 */
@Injectable()
export class PaymentRefunds {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly refunds: PaymentRefundRepository,
    private readonly providers: PaymentProviders,
    private readonly wallets: WalletService,
    private readonly auditLog: AuditLog,
  ) {}

  public async refund(
    staff: AuthenticatedUser,
    intentId: string,
    request: RefundRequest,
    origin: RequestOrigin,
  ): Promise<PaymentRefund> {
    if (request.amount !== undefined && request.idempotencyKey === undefined) {
      throw new DomainError('VALIDATION_FAILED', 'A partial refund needs an Idempotency-Key header', {
        fields: [{ field: 'Idempotency-Key', problems: ['required with amount'] }],
      });
    }
    const { intent, refund } = await this.open(staff, intentId, request, origin);
    return this.complete(intent, refund, staff, origin);
  }

  private async open(
    staff: AuthenticatedUser,
    intentId: string,
    request: RefundRequest,
    origin: RequestOrigin,
  ): Promise<{ intent: PaymentIntent; refund: PaymentRefund }> {
    const key = request.idempotencyKey ?? WHOLE_DEPOSIT;
    return this.dataSource.transaction(async (manager) => {
      const intent = await this.intents.lockById(manager, intentId);
      if (!intent) throw new DomainError('PAYMENT_NOT_FOUND', 'No such payment', { intentId });
      if (intent.kind !== 'deposit' || intent.status !== 'succeeded' || !intent.walletTransactionId) {
        throw new DomainError('PAYMENT_TRANSITION_NOT_ALLOWED', 'Only a captured, credited deposit can be refunded', {
          kind: intent.kind,
          status: intent.status,
        });
      }
      if (intent.userId === staff.userId) throw new DomainError('FORBIDDEN', 'Staff cannot refund their own deposit');
      const existing = await this.refunds.findByIdempotencyKey(intentId, key, manager);
      if (existing) {
        if (request.amount !== undefined && request.amount !== existing.amount) {
          throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another refund amount');
        }
        return { intent, refund: existing };
      }
      const refunded = await this.refunds.committedAmount(manager, intentId);
      const remaining = intent.amount - refunded;
      const amount = request.amount ?? (key === WHOLE_DEPOSIT ? intent.amount : remaining);
      if (amount <= 0n || amount > remaining) {
        throw new DomainError('PAYMENT_REFUND_EXCEEDS_REMAINING', 'The refund is more than is left to refund', {
          captured: intent.amount.toString(),
          refunded: refunded.toString(),
          remaining: remaining.toString(),
          requested: amount.toString(),
        });
      }
      const id = randomUUID();
      const refund = await this.refunds.insert(manager, {
        id,
        intentId,
        userId: intent.userId,
        amount,
        currency: intent.currency,
        staffId: staff.userId,
        reason: request.reason,
        idempotencyKey: key,
        // The whole-deposit refund keeps the PSP key it always had; each partial one gets its own.
        providerIdempotencyKey: key === WHOLE_DEPOSIT ? `intent:${intentId}:refund` : `refund:${id}`,
      });
      await this.audit(
        staff,
        origin,
        'payment.refund',
        intent.id,
        {
          reason: request.reason,
          before: { refunded: refunded.toString(), remaining: remaining.toString() },
          after: {
            refundId: refund.id,
            amount: amount.toString(),
            currency: refund.currency,
            refunded: (refunded + amount).toString(),
            remaining: (remaining - amount).toString(),
          },
        },
        manager,
      );
      return { intent, refund };
    });
  }

  private async complete(
    intent: PaymentIntent,
    opened: PaymentRefund,
    staff: AuthenticatedUser,
    origin: RequestOrigin,
  ): Promise<PaymentRefund> {
    if (opened.status !== 'pending') return opened;
    const holdId = opened.holdId ?? (await this.hold(intent, opened, staff, origin));
    const refund = (await this.refunds.updatePending(opened.id, { holdId })) ?? opened;
    let providerReference: string;
    try {
      const answer = await this.providers
        .get(intent.provider)
        .refundPayment(intent.providerReference ?? '', refund.amount, refund.providerIdempotencyKey);
      providerReference = answer.reference;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PAYMENT_PROVIDER_REFUSED') {
        await this.wallets.releaseHold({ holdId, idempotency: { scope: WALLET_SCOPE, key: `${refund.id}:release` } });
        await this.fail(refund, error.code, staff, origin);
      }
      throw error;
    }
    const captured = await this.wallets.captureHold({
      holdId,
      idempotency: { scope: WALLET_SCOPE, key: `${refund.id}:capture` },
      metadata: { paymentIntentId: intent.id, refundId: refund.id },
    });
    const done = await this.refunds.updatePending(refund.id, {
      status: 'succeeded',
      walletTransactionId: captured.transactionId,
      providerReference,
    });
    return done ?? (await this.refunds.findByIdempotencyKey(intent.id, refund.idempotencyKey)) ?? refund;
  }

  private async hold(
    intent: PaymentIntent,
    refund: PaymentRefund,
    staff: AuthenticatedUser,
    origin: RequestOrigin,
  ): Promise<string> {
    try {
      const held = await this.wallets.holdFunds({
        wallet: { userId: intent.userId },
        currency: intent.currency,
        amount: refund.amount,
        provider: intent.provider,
        idempotency: { scope: WALLET_SCOPE, key: `${refund.id}:hold` },
        metadata: { paymentIntentId: intent.id, refundId: refund.id },
      });
      if (!held.holdId) throw new Error(`refund hold of ${refund.id} returned no hold id`);
      return held.holdId;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'INSUFFICIENT_FUNDS') {
        await this.fail(refund, error.code, staff, origin);
      }
      throw error;
    }
  }

  private async fail(refund: PaymentRefund, code: string, staff: AuthenticatedUser, origin: RequestOrigin) {
    if (await this.refunds.updatePending(refund.id, { status: 'failed', failureCode: code })) {
      await this.audit(staff, origin, 'payment.refund.fail', refund.intentId, {
        reason: null,
        before: { status: 'pending' },
        after: { status: 'failed', failureCode: code },
      });
    }
  }

  private audit(
    staff: AuthenticatedUser,
    origin: RequestOrigin,
    action: string,
    intentId: string,
    details: Record<string, unknown>,
    manager?: EntityManager,
  ): Promise<void> {
    return this.auditLog.record(
      {
        actorId: staff.userId,
        actorRoles: staff.roles,
        action,
        targetType: 'payment_intent',
        targetId: intentId,
        ip: origin.ip,
        userAgent: origin.userAgent,
        requestId: origin.requestId,
        details,
      },
      manager,
    );
  }
}
