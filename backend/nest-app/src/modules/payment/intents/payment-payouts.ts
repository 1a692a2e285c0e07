import { DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import type { RequestOrigin } from '../../user/user-directory';
import { PaymentProviders } from '../psp/payment-providers';
import { PaymentIntentRepository } from './payment-intent.repository';
import type { PaymentIntent } from './payment-intent.types';
import { PaymentIntentWriter } from './payment-intent.writer';
import { PaymentSettlement } from './payment-settlement';

export const providerKeys = {
  create: (intentId: string): string => `intent:${intentId}:create`,
  cancel: (intentId: string): string => `intent:${intentId}:cancel`,
  payout: (intentId: string): string => `intent:${intentId}:payout`,
};

/**
 * What sending a payout did: `not_due` (nothing to send: not a processing withdrawal, or sent already), `sent`,
 * `refused` (the withdrawal failed, its hold released), `unreachable` (the provider did not answer) or `unknown`
 * (another error). Both of the last leave it to the sweep, which sends it again with the same idempotency key.
 */
export type PayoutSendOutcome = 'not_due' | 'sent' | 'refused' | 'unreachable' | 'unknown';

// PAYMENT_PROVIDER_UNAVAILABLE is tested inline: importing payment-provider-sync here closes an import cycle
// (payment-provider-changes → payment-cancellation → this file).
/** Sends withdrawals' payouts, and the finance approval of those above the threshold. */
@Injectable()
export class PaymentPayouts {
  private readonly logger = new Logger(PaymentPayouts.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly providers: PaymentProviders,
    private readonly settlement: PaymentSettlement,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Sends the payout of a `processing` withdrawal (same provider idempotency key on every retry).
   * A refusal fails the intent and releases the hold; an unknown outcome is left to the sweep.
   */
  public async send(intentId: string): Promise<PayoutSendOutcome> {
    const intent = await this.intents.findById(intentId);
    if (!intent || intent.kind !== 'withdrawal' || intent.status !== 'processing' || intent.providerReference)
      return 'not_due';
    try {
      const payout = await this.providers.get(intent.provider).createPayout({
        intentId: intent.id,
        amount: intent.amount,
        currency: intent.currency,
        idempotencyKey: providerKeys.payout(intent.id),
      });
      await this.dataSource.transaction(async (manager) => {
        const locked = await this.intents.lockById(manager, intent.id);
        if (locked && !locked.providerReference)
          await this.intents.update(manager, intent.id, { providerReference: payout.reference });
      });
      return 'sent';
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'PAYMENT_PROVIDER_REFUSED') {
        this.logger.warn({ err: error, intentId }, 'payout outcome unknown; the sweep will retry with the same key');
        return error instanceof DomainError && error.code === 'PAYMENT_PROVIDER_UNAVAILABLE'
          ? 'unreachable'
          : 'unknown';
      }
      await this.failRefused(intent.id, error);
      return 'refused';
    }
  }

  public async decide(
    staff: AuthenticatedUser,
    intentId: string,
    decision: { decision: 'approve' | 'reject'; reason: string },
    origin: RequestOrigin,
  ): Promise<PaymentIntent> {
    const decided = await this.dataSource.transaction(async (manager) => {
      const intent = await this.intents.lockById(manager, intentId);
      if (!intent || intent.kind !== 'withdrawal')
        throw new DomainError('PAYMENT_NOT_FOUND', 'No such withdrawal', { intentId });
      if (intent.userId === staff.userId)
        throw new DomainError('FORBIDDEN', 'Staff cannot decide their own withdrawal');
      if (!intent.approvalRequired || intent.status !== 'requires_action') {
        throw new DomainError('PAYMENT_TRANSITION_NOT_ALLOWED', 'The withdrawal is not waiting for approval', {
          status: intent.status,
        });
      }
      const approve = decision.decision === 'approve';
      const cause = {
        cause: approve ? 'staff_approval' : 'staff_rejection',
        actorId: staff.userId,
        details: { reason: decision.reason },
      };
      const next = approve
        ? await this.writer.transition(manager, intent, 'processing', cause, {
            approvedBy: staff.userId,
            approvedAt: this.clock.now(),
            nextAction: null,
          })
        : await this.writer.transition(manager, intent, 'canceled', cause, { nextAction: null });
      await this.auditLog.record(
        {
          actorId: staff.userId,
          actorRoles: staff.roles,
          action: approve ? 'payment.withdrawal.approve' : 'payment.withdrawal.reject',
          targetType: 'payment_intent',
          targetId: intent.id,
          ip: origin.ip,
          userAgent: origin.userAgent,
          requestId: origin.requestId,
          details: {
            userId: intent.userId,
            amount: intent.amount.toString(),
            currency: intent.currency,
            reason: decision.reason,
          },
        },
        manager,
      );
      return next;
    });
    if (decided.status === 'processing') await this.send(decided.id);
    else await this.settlement.settleQuietly(decided.id);
    return (await this.intents.findById(decided.id)) ?? decided;
  }

  private async failRefused(intentId: string, error: DomainError): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const intent = await this.intents.lockById(manager, intentId);
      if (!intent || intent.status !== 'processing') return;
      await this.writer.transition(
        manager,
        intent,
        'failed',
        { cause: 'payout_refused', details: { ...error.details } },
        { failureCode: 'payout_refused', failureMessage: error.message },
      );
    });
    await this.settlement.settleQuietly(intentId);
  }
}
