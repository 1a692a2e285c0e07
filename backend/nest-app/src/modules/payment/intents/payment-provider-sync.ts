import { DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PaymentSecurityEvents } from '../payment-security-events';
import type { ProviderPayment, ProviderPayout } from '../psp/payment-provider';
import { PaymentProviders } from '../psp/payment-providers';
import { PaymentIntentRepository } from './payment-intent.repository';
import { canTransition, isTerminal } from './payment-intent.state-machine';
import type { IntentPatch, PaymentIntent } from './payment-intent.types';
import { PaymentIntentWriter } from './payment-intent.writer';
import { PaymentSettlement } from './payment-settlement';

/** Why a deposit is compared with its payment at the provider (recorded in the transition's details). */
export type SyncOccasion = 'creation_recovery' | 'expiry' | 'player_cancel';

/**
 * A deposit against its payment at the provider, in two steps that never overlap: `locate` asks the provider with no
 * database transaction open; `follow` applies the answer in one short transaction under the intent's row lock and
 * re-checks the intent there (a webhook or another worker may have moved it since it was read), so an answer applied
 * twice, by two workers or by a worker and a webhook, changes nothing the second time.
 */
@Injectable()
export class PaymentProviderSync {
  private readonly logger = new Logger(PaymentProviderSync.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly providers: PaymentProviders,
    private readonly settlement: PaymentSettlement,
    private readonly securityEvents: PaymentSecurityEvents,
  ) {}

  /**
   * The provider's payment of a deposit: by its reference, or, without one (the answer to its creation was lost), by
   * our intent id in the payment's metadata. Null when the provider has none (404 for the reference, none naming
   * the intent). PAYMENT_PROVIDER_UNAVAILABLE when the provider did not answer: nothing is known then.
   */
  public async locate(intent: PaymentIntent): Promise<ProviderPayment | null> {
    const provider = this.providers.get(intent.provider);
    if (intent.providerReference) {
      try {
        return await provider.retrievePayment(intent.providerReference);
      } catch (error) {
        if (isRecordMissing(error)) return null;
        throw error;
      }
    }
    const found = await provider.findPaymentsOfIntent(intent.id, intent.createdAt);
    if (found.length > 1) {
      await this.alert(intent, 'psp_several_payments', { references: found.map((payment) => payment.reference) });
      throw new Error(`several payments at ${intent.provider} name intent ${intent.id}; left to staff`);
    }
    return found[0] ?? null;
  }

  /** The provider's payout of a withdrawal, by its reference; null when the provider has none (404). */
  public async locatePayout(intent: PaymentIntent, reference: string): Promise<ProviderPayout | null> {
    try {
      return await this.providers.get(intent.provider).retrievePayout(reference);
    } catch (error) {
      if (isRecordMissing(error)) return null;
      throw error;
    }
  }

  /**
   * Applies the provider's payment to the intent: its reference when the intent has none, and its status when the
   * state machine allows the move (cause `provider_status`); a terminal status is then settled (once: the settlement
   * is idempotent). Null, with a `reconciliation.mismatch` event, when the payment is not this intent's.
   */
  public async follow(
    intentId: string,
    payment: ProviderPayment,
    occasion: SyncOccasion,
  ): Promise<PaymentIntent | null> {
    const result = await this.dataSource.transaction(async (manager) => {
      const current = await this.intents.lockById(manager, intentId);
      if (!current) return null;
      const mismatch = mismatchOf(current, payment);
      if (mismatch) return { intent: current, mismatch };
      const waiting = payment.status === 'requires_payment_method' || payment.status === 'requires_action';
      const link: IntentPatch = current.providerReference ? {} : { providerReference: payment.reference };
      if (current.status !== payment.status && canTransition(current.status, payment.status)) {
        const cause = { cause: 'provider_status', details: { during: occasion } };
        const patch = { ...link, nextAction: waiting ? payment.nextAction : null };
        return { intent: await this.writer.transition(manager, current, payment.status, cause, patch), mismatch: null };
      }
      if (link.providerReference === undefined) return { intent: current, mismatch: null };
      const patch = current.status === payment.status && waiting ? { ...link, nextAction: payment.nextAction } : link;
      return { intent: await this.intents.update(manager, current.id, patch), mismatch: null };
    });
    if (!result) return null;
    if (result.mismatch) {
      await this.alert(result.intent, 'psp_payment_differs', { during: occasion, ...result.mismatch });
      return null;
    }
    if (isTerminal(result.intent.status)) await this.settlement.settleQuietly(result.intent.id);
    return result.intent;
  }

  private async alert(intent: PaymentIntent, mismatch: string, details: Record<string, unknown>): Promise<void> {
    this.logger.error(
      { intentId: intent.id, mismatch },
      "the provider's payment differs from the intent; left to staff",
    );
    await this.securityEvents.record({
      kind: 'reconciliation.mismatch',
      provider: intent.provider,
      intentId: intent.id,
      details: { mismatch, ...details },
    });
  }
}

export function isRecordMissing(error: unknown): boolean {
  return error instanceof DomainError && error.code === 'PAYMENT_PROVIDER_RECORD_MISSING';
}

function mismatchOf(intent: PaymentIntent, payment: ProviderPayment): Record<string, string> | null {
  if (intent.kind !== 'deposit') return { problem: 'kind', expected: 'deposit', received: intent.kind };
  return recordMismatchOf(intent, payment);
}

/** Why the provider's payment or payout is not this intent's (reference, intent id, amount, currency), or null. */
export function recordMismatchOf(
  intent: PaymentIntent,
  record: ProviderPayment | ProviderPayout,
): Record<string, string> | null {
  if (intent.providerReference && intent.providerReference !== record.reference)
    return { problem: 'reference', expected: intent.providerReference, received: record.reference };
  if (record.intentId !== null && record.intentId !== intent.id)
    return { problem: 'intent', expected: intent.id, received: record.intentId };
  if (record.amount !== intent.amount)
    return { problem: 'amount', expected: intent.amount.toString(), received: record.amount.toString() };
  if (record.currency !== intent.currency)
    return { problem: 'currency', expected: intent.currency, received: record.currency };
  return null;
}
