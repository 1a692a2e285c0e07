import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../user/user-directory';
import type { ProviderPayment, ProviderPayout } from '../psp/payment-provider';
import { PaymentIntentRepository } from './payment-intent.repository';
import {
  decideStaffResolution,
  isStaffResolvable,
  type IntentStatus,
  type ProviderOutcome,
} from './payment-intent.state-machine';
import type { IntentPatch, PaymentIntent } from './payment-intent.types';
import { PaymentIntentWriter } from './payment-intent.writer';
import { PaymentProviderSync, recordMismatchOf } from './payment-provider-sync';
import { PaymentSettlement } from './payment-settlement';

/** The PSP's own record of the intent's payment or payout, as read for the resolution. */
interface ProviderRecord {
  reference: string;
  /** The PSP's status, in its terms (`canceled`, `failed`, `paid`…). */
  status: string;
  outcome: ProviderOutcome;
}

interface Resolution {
  staff: AuthenticatedUser;
  reason: string;
  origin: RequestOrigin;
}

const PAYMENT_OUTCOMES: Readonly<Record<IntentStatus, ProviderOutcome>> = {
  requires_payment_method: 'pending',
  requires_action: 'pending',
  processing: 'pending',
  requires_capture: 'pending',
  succeeded: 'succeeded',
  canceled: 'canceled',
  failed: 'failed',
};

/** A canceled payout fails the withdrawal, as its webhook does (stripe-event-mapping). */
const PAYOUT_OUTCOMES: Readonly<Record<ProviderPayout['status'], ProviderOutcome>> = {
  pending: 'pending',
  paid: 'succeeded',
  failed: 'failed',
  canceled: 'failed',
};

const REFUSALS = {
  not_resolvable: ['PAYMENT_NOT_RESOLVABLE', 'The payment is no longer in a status staff can resolve'],
  provider_succeeded: [
    'PAYMENT_RESOLUTION_PROVIDER_SUCCEEDED',
    'The payment provider says this payment succeeded; it cannot be closed as unsuccessful',
  ],
  provider_pending: ['PAYMENT_RESOLUTION_PROVIDER_PENDING', 'The payment provider has not ended this payment yet'],
} as const;

/**
 * Staff close a payment left `processing` here that its PSP ended without success: a PaymentIntent Stripe canceled
 * "in rare cases" (the state machine refuses `processing → canceled` to providers, so the intent would stay open for
 * good), or a payout that failed with its webhook lost. The PSP is asked again first, with no database transaction
 * open, and only its final unsuccessful answer (canceled, failed) closes the intent, to that status, through the staff
 * transitions of the state machine: a success, a payment not ended yet, an unknown or unreachable PSP change nothing.
 * The transition and its audit record (actor, reason, status before and after) commit together under the intent's
 * row lock, which re-checks the intent; the settlement then releases a withdrawal's hold, once (its wallet key), and
 * credits nothing for a deposit.
 */
@Injectable()
export class PaymentResolution {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly sync: PaymentProviderSync,
    private readonly settlement: PaymentSettlement,
    private readonly auditLog: AuditLog,
  ) {}

  public async resolve(intentId: string, resolution: Resolution): Promise<PaymentIntent> {
    const intent = await this.resolvable(intentId, resolution.staff);
    const record = await this.providerRecord(intent);
    const decision = decideStaffResolution(intent.status, record.outcome);
    if (decision.action === 'refuse') throw refusal(decision.reason, intent, record);
    const closed = await this.close(intent, record, decision.to, resolution);
    await this.settlement.settleQuietly(closed.id);
    return (await this.intents.findById(closed.id)) ?? closed;
  }

  private async resolvable(intentId: string, staff: AuthenticatedUser): Promise<PaymentIntent> {
    const intent = await this.intents.findById(intentId);
    if (!intent) throw new DomainError('PAYMENT_NOT_FOUND', 'No such payment', { intentId });
    if (intent.userId === staff.userId) throw new DomainError('FORBIDDEN', 'Staff cannot resolve their own payment');
    if (!isStaffResolvable(intent.status)) {
      throw new DomainError('PAYMENT_NOT_RESOLVABLE', 'Only a payment left processing can be resolved by staff', {
        status: intent.status,
      });
    }
    if (intent.kind === 'withdrawal' && !intent.providerReference) {
      throw new DomainError('PAYMENT_NOT_RESOLVABLE', 'The payout was not sent yet; reconciliation sends it', {
        status: intent.status,
      });
    }
    return intent;
  }

  /** Throws PAYMENT_PROVIDER_UNAVAILABLE as the provider's adapter does, and refuses a missing or foreign record. */
  private async providerRecord(intent: PaymentIntent): Promise<ProviderRecord> {
    const located = await this.locate(intent);
    if (!located) {
      throw new DomainError('PAYMENT_PROVIDER_RECORD_MISSING', 'The payment provider has no record of this payment', {
        provider: intent.provider,
        reference: intent.providerReference,
      });
    }
    const mismatch = recordMismatchOf(intent, located.found);
    if (mismatch) {
      throw new DomainError(
        'PAYMENT_RESOLUTION_PROVIDER_MISMATCH',
        "The payment provider's record does not match this payment",
        mismatch,
      );
    }
    return { reference: located.found.reference, status: located.found.status, outcome: located.outcome };
  }

  /** The deposit's payment or the withdrawal's payout at the PSP, and what its status means here; null: none. */
  private async locate(
    intent: PaymentIntent,
  ): Promise<{ found: ProviderPayment | ProviderPayout; outcome: ProviderOutcome } | null> {
    if (intent.kind === 'deposit') {
      const payment = await this.sync.locate(intent);
      return payment && { found: payment, outcome: PAYMENT_OUTCOMES[payment.status] };
    }
    // resolvable() refused a withdrawal without a payout reference.
    const payout = await this.sync.locatePayout(intent, intent.providerReference as string);
    return payout && { found: payout, outcome: PAYOUT_OUTCOMES[payout.status] };
  }

  private async close(
    intent: PaymentIntent,
    record: ProviderRecord,
    to: IntentStatus,
    resolution: Resolution,
  ): Promise<PaymentIntent> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.intents.lockById(manager, intent.id);
      const moved = !current || current.status !== intent.status;
      if (moved || (current.providerReference ?? record.reference) !== record.reference)
        throw new DomainError('PAYMENT_NOT_RESOLVABLE', 'The payment changed meanwhile', { status: current?.status });
      const cause = {
        cause: 'staff_resolution',
        actorId: resolution.staff.userId,
        details: { reason: resolution.reason, providerStatus: record.status, providerReference: record.reference },
      };
      const closed = await this.writer.resolveByStaff(manager, current, to, cause, patchFor(current, record, to));
      await this.audit(manager, current, closed, record, resolution);
      return closed;
    });
  }

  private async audit(
    manager: EntityManager,
    before: PaymentIntent,
    after: PaymentIntent,
    record: ProviderRecord,
    { staff, reason, origin }: Resolution,
  ): Promise<void> {
    await this.auditLog.record(
      {
        actorId: staff.userId,
        actorRoles: staff.roles,
        action: 'payment.resolve',
        targetType: 'payment_intent',
        targetId: before.id,
        ip: origin.ip,
        userAgent: origin.userAgent,
        requestId: origin.requestId,
        details: {
          userId: before.userId,
          kind: before.kind,
          amount: before.amount.toString(),
          currency: before.currency,
          provider: before.provider,
          providerReference: record.reference,
          providerStatus: record.status,
          reason,
          before: { status: before.status },
          after: { status: after.status },
        },
      },
      manager,
    );
  }
}

function patchFor(intent: PaymentIntent, record: ProviderRecord, to: IntentStatus): IntentPatch {
  const patch: IntentPatch = { nextAction: null };
  if (!intent.providerReference) patch.providerReference = record.reference;
  if (to === 'failed') {
    patch.failureCode = `provider_${record.status}`;
    patch.failureMessage = 'The payment provider ended this payment without success';
  }
  return patch;
}

function refusal(reason: keyof typeof REFUSALS, intent: PaymentIntent, record: ProviderRecord): DomainError {
  const [code, message] = REFUSALS[reason];
  return new DomainError(code, message, {
    status: intent.status,
    providerStatus: record.status,
    providerReference: record.reference,
  });
}
