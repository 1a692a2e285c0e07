import { DomainError, type PaymentIntentKind, type PaymentMethod } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { AppConfig } from '../../../config/app-config';
import { BonusWithdrawals } from '../../bonus';
import { PaymentGates } from '../gates/payment-gates';
import { PaymentSecurityEvents } from '../payment-security-events';
import type { ProviderName, ProviderPayment } from '../psp/payment-provider';
import { PaymentProviders } from '../psp/payment-providers';
import { PaymentCancellation, type CancelOutcome } from './payment-cancellation';
import { PaymentIntentRepository } from './payment-intent.repository';
import { isCancelable } from './payment-intent.state-machine';
import type { PaymentIntent } from './payment-intent.types';
import { PaymentIntentWriter } from './payment-intent.writer';
import { PaymentPayouts, providerKeys } from './payment-payouts';
import { PaymentSettlement } from './payment-settlement';

export interface NewPayment {
  /**
   * The intent's id when the request names it (its Idempotency-Key's claim): a request that takes over the key of
   * one that died resumes the intent that one may have left, with the same provider and wallet keys, never a second.
   */
  id?: string;
  amount: bigint;
  currency: string;
  provider: ProviderName;
  /** Null when the player did not say. */
  method: PaymentMethod | null;
}

/** A player's deposits and withdrawals: creation behind the gates, cancel, history. */
@Injectable()
export class PaymentIntentsService {
  private readonly logger = new Logger(PaymentIntentsService.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly providers: PaymentProviders,
    private readonly gates: PaymentGates,
    private readonly settlement: PaymentSettlement,
    private readonly payouts: PaymentPayouts,
    private readonly cancellation: PaymentCancellation,
    private readonly securityEvents: PaymentSecurityEvents,
    private readonly config: AppConfig,
    private readonly bonusWithdrawals: BonusWithdrawals,
  ) {}

  /**
   * Creates the intent, then the provider's payment; the player pays through `nextAction`. The gates and the
   * insert share one transaction under the player's deposit lock (a refusal leaves nothing behind); the
   * provider is called after it committed, never with a lock held. Only the provider's definite refusal fails the
   * intent; when its answer is unknown (timeout, network error, 5xx) the payment may exist and take the money, so the
   * intent stays open (counted toward the deposit limit) for reconciliation to find the payment by our intent id.
   */
  public async createDeposit(user: AuthenticatedUser, input: NewPayment): Promise<PaymentIntent> {
    const provider = this.providers.get(input.provider);
    await this.gates.assertHasWallet(user.userId, input.currency);
    const left = await this.leftBy(user.userId, input.id);
    if (left && (left.status !== 'requires_payment_method' || left.providerReference)) return left;
    const intent =
      left ??
      (await this.insert(user.userId, 'deposit', input, false, (manager) =>
        this.gates.assertCanDeposit(manager, user.userId, input.amount, input.currency),
      ));
    let payment: ProviderPayment;
    try {
      payment = await provider.createPayment({
        ...input,
        intentId: intent.id,
        idempotencyKey: providerKeys.create(intent.id),
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PAYMENT_PROVIDER_REFUSED') {
        await this.failAtCreation(intent.id, error);
        throw error;
      }
      throw await this.creationOutcomeUnknown(intent, error);
    }
    return this.dataSource.transaction(async (manager) => {
      const current = await this.intents.lockById(manager, intent.id);
      if (!current || current.status !== 'requires_payment_method' || current.providerReference)
        return current ?? intent;
      const patch = { providerReference: payment.reference, nextAction: payment.nextAction };
      if (payment.status === 'requires_payment_method') return this.intents.update(manager, intent.id, patch);
      return this.writer.transition(manager, current, payment.status, { cause: 'provider_created' }, patch);
    });
  }

  /**
   * Holds the funds at once; sends the payout, or waits for finance above the approval threshold. When the hold's
   * outcome is not known (an unexpected error: it may have committed) the intent fails all the same and its
   * settlement releases the hold it finds by its idempotency key; a process that stops before storing the hold
   * leaves the intent in its first status, which the expiry of stalled withdrawals fails after
   * PAYMENT_WITHDRAWAL_CREATION_TTL_SECONDS, releasing the hold the same way.
   */
  /** A live bonus is settled first: converted if complete, forfeited if the player confirmed, else 409 (bonus). */
  public async createWithdrawal(
    user: AuthenticatedUser,
    input: NewPayment,
    bonus: { forfeitActiveBonus: boolean } = { forfeitActiveBonus: false },
  ): Promise<PaymentIntent> {
    this.providers.get(input.provider);
    await this.gates.assertCanWithdraw(user, input.currency);
    const left = await this.leftBy(user.userId, input.id);
    if (left && left.status !== 'requires_payment_method') return left;
    const toForfeit = await this.bonusWithdrawals.settleBeforeHold(
      user.userId,
      input.currency,
      bonus.forfeitActiveBonus,
    );
    const approvalRequired = left?.approvalRequired ?? input.amount > this.config.withdrawalApprovalThreshold;
    // The hold's wallet key is the intent's: resuming one that a dead request left finds its hold, never a second.
    const intent = left ?? (await this.insert(user.userId, 'withdrawal', input, approvalRequired));
    let holdId: string;
    try {
      holdId = await this.settlement.holdForWithdrawal(intent);
    } catch (error) {
      await this.failAtCreation(intent.id, error);
      throw error;
    }
    if (toForfeit) await this.bonusWithdrawals.forfeitForWithdrawal(user.userId, toForfeit);
    const accepted = await this.acceptWithdrawal(intent.id, holdId, approvalRequired);
    if (!accepted) return (await this.settlement.releaseLateHold(intent.id, holdId)) ?? intent;
    if (accepted.status === 'processing') await this.payouts.send(accepted.id);
    return (await this.intents.findById(accepted.id)) ?? accepted;
  }

  public async get(userId: string, intentId: string): Promise<PaymentIntent> {
    const intent = await this.intents.findById(intentId);
    if (!intent || intent.userId !== userId)
      throw new DomainError('PAYMENT_NOT_FOUND', 'No such payment', { intentId });
    return intent;
  }

  public async history(
    userId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ items: PaymentIntent[]; nextCursor: string | null }> {
    const items = await this.intents.listForUser(userId, limit + 1, cursor ? decodeCursor(cursor) : null);
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > limit && last ? encodeCursor(last.id) : null };
  }

  /** The player cancels before the money moved: a deposit at the provider too, a withdrawal releases its hold. */
  public async cancel(userId: string, intentId: string): Promise<PaymentIntent> {
    const intent = await this.get(userId, intentId);
    if (!isCancelable(intent.status)) {
      throw new DomainError('PAYMENT_TRANSITION_NOT_ALLOWED', `A ${intent.status} payment cannot be canceled`, {
        status: intent.status,
      });
    }
    let canceled: CancelOutcome;
    try {
      canceled = await this.cancellation.cancel(intent, { cause: 'player_cancel', actorId: userId }, 'player_cancel');
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PAYMENT_PROVIDER_REFUSED') throw notCancelable(error.details);
      throw error;
    }
    // The provider's payment had moved on (found by our intent id): canceled there already is what the player asked.
    if (canceled.intent.status !== 'canceled') throw notCancelable({ status: canceled.intent.status });
    return canceled.intent;
  }

  /**
   * Stores the hold and moves the withdrawal on (to finance's approval or to its payout); null when the intent is no
   * longer in its first status (expired or canceled while the hold was being placed).
   */
  private async acceptWithdrawal(
    intentId: string,
    holdId: string,
    approvalRequired: boolean,
  ): Promise<PaymentIntent | null> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.intents.lockById(manager, intentId);
      if (!current || current.status !== 'requires_payment_method') return null;
      const patch = {
        walletHoldId: holdId,
        nextAction: approvalRequired ? ({ type: 'staff_approval' } as const) : null,
      };
      const to = approvalRequired ? 'requires_action' : 'processing';
      const cause = approvalRequired ? 'awaiting_approval' : 'payout_requested';
      return this.writer.transition(manager, current, to, { cause }, patch);
    });
  }

  /** The intent a dead request with the same Idempotency-Key created, if it got that far. */
  private async leftBy(userId: string, id: string | undefined): Promise<PaymentIntent | null> {
    if (!id) return null;
    const intent = await this.intents.findById(id);
    return intent?.userId === userId ? intent : null;
  }

  /** The new intent, after `gate` (when given) passed in the same transaction. */
  private insert(
    userId: string,
    kind: PaymentIntentKind,
    input: NewPayment,
    approvalRequired: boolean,
    gate?: (manager: EntityManager) => Promise<void>,
  ): Promise<PaymentIntent> {
    return this.dataSource.transaction(async (manager) => {
      await gate?.(manager);
      const { id = randomUUID(), amount, currency, provider, method } = input;
      return this.writer.create(manager, { id, userId, kind, approvalRequired, amount, currency, provider, method });
    });
  }

  /**
   * The provider's answer to the payment's creation was lost: the intent stays `requires_payment_method` without a
   * reference (reconciliation links or expires it), recorded; the player is told so, with the intent's id.
   */
  private async creationOutcomeUnknown(intent: PaymentIntent, error: unknown): Promise<DomainError> {
    const code = error instanceof DomainError ? error.code : 'INTERNAL_ERROR';
    this.logger.warn({ err: error, intentId: intent.id }, 'payment creation outcome unknown; left to reconciliation');
    try {
      await this.securityEvents.record({
        kind: 'payment.creation_outcome_unknown',
        provider: intent.provider,
        intentId: intent.id,
        details: { code, amount: intent.amount.toString(), currency: intent.currency },
      });
    } catch (failure) {
      this.logger.error({ err: failure, intentId: intent.id }, 'could not record an unknown creation outcome');
    }
    return new DomainError(
      'PAYMENT_PROVIDER_UNAVAILABLE',
      'The payment provider did not answer; the deposit stays open until its outcome is known',
      { intentId: intent.id, provider: intent.provider, outcome: 'unknown' },
    );
  }

  /**
   * The provider refused the payment (definitely), or the wallet's hold was refused or its outcome is unknown: the
   * intent fails, with why, and its settlement releases a withdrawal's hold if one was placed after all.
   */
  private async failAtCreation(intentId: string, error: unknown): Promise<void> {
    const code = error instanceof DomainError ? error.code : 'INTERNAL_ERROR';
    const message = error instanceof DomainError ? error.message : 'The payment could not be created';
    try {
      await this.dataSource.transaction(async (manager) => {
        const current = (await this.intents.lockById(manager, intentId)) as PaymentIntent;
        await this.writer.transition(
          manager,
          current,
          'failed',
          { cause: 'creation_failed', details: { code } },
          { failureCode: code, failureMessage: message },
        );
      });
      await this.settlement.settleQuietly(intentId);
    } catch (failure) {
      this.logger.error({ err: failure, intentId }, 'could not mark a payment failed at creation');
    }
  }
}

function notCancelable(details: Record<string, unknown> | undefined): DomainError {
  return new DomainError(
    'PAYMENT_TRANSITION_NOT_ALLOWED',
    'The provider no longer allows canceling this payment',
    details,
  );
}

function encodeCursor(intentId: string): string {
  return Buffer.from(intentId).toString('base64url');
}

function decodeCursor(value: string): string {
  const id = Buffer.from(value, 'base64url').toString();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    throw new DomainError('PAYMENT_CURSOR_INVALID', 'The cursor is not valid', { cursor: value });
  }
  return id;
}
