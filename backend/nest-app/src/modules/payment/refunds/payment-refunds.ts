import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
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

/**
 * Staff refund a captured deposit, whole, through its PSP (ADR 0018). The player's cash is held first (a player who
 * spent it cannot be refunded: INSUFFICIENT_FUNDS, nothing asked of the PSP), then the PSP refunds, then the hold is
 * captured: the wallet is debited once. A PSP refusal releases the hold; a PSP that does not answer leaves the refund
 * pending with its hold, and the same request later resumes it with the same idempotency keys.
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
    reason: string,
    origin: RequestOrigin,
  ): Promise<PaymentRefund> {
    const { intent, refund } = await this.open(staff, intentId, reason, origin);
    return this.complete(intent, refund, staff, origin);
  }

  public findByIntent(intentId: string): Promise<PaymentRefund | null> {
    return this.refunds.findByIntent(intentId);
  }

  private async open(
    staff: AuthenticatedUser,
    intentId: string,
    reason: string,
    origin: RequestOrigin,
  ): Promise<{ intent: PaymentIntent; refund: PaymentRefund }> {
    const opened = await this.dataSource.transaction(async (manager) => {
      const intent = await this.intents.lockById(manager, intentId);
      if (!intent) throw new DomainError('PAYMENT_NOT_FOUND', 'No such payment', { intentId });
      if (intent.kind !== 'deposit' || intent.status !== 'succeeded' || !intent.walletTransactionId) {
        throw new DomainError('PAYMENT_TRANSITION_NOT_ALLOWED', 'Only a captured, credited deposit can be refunded', {
          kind: intent.kind,
          status: intent.status,
        });
      }
      if (intent.userId === staff.userId) throw new DomainError('FORBIDDEN', 'Staff cannot refund their own deposit');
      const refund = await this.refunds.insertIfAbsent(manager, {
        intentId,
        userId: intent.userId,
        amount: intent.amount,
        currency: intent.currency,
        staffId: staff.userId,
        reason,
      });
      if (refund) {
        await this.audit(
          staff,
          origin,
          'payment.refund',
          intent.id,
          {
            reason,
            before: { refunded: false },
            after: { refundId: refund.id, amount: refund.amount.toString(), currency: refund.currency },
          },
          manager,
        );
      }
      return { intent, refund };
    });
    const refund = opened.refund ?? (await this.refunds.findByIntent(intentId));
    if (!refund) throw new Error(`refund of ${intentId} neither inserted nor found`);
    return { intent: opened.intent, refund };
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
        .refundPayment(intent.providerReference ?? '', refund.amount, `intent:${intent.id}:refund`);
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
    return done ?? (await this.refunds.findByIntent(intent.id)) ?? refund;
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
