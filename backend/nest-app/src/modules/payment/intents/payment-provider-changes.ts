import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PaymentSecurityEvents, type PaymentSecurityEvent } from '../payment-security-events';
import type { NextAction, ProviderEvent } from '../psp/payment-provider';
import { PaymentProviders } from '../psp/payment-providers';
import { PaymentIntentRepository } from './payment-intent.repository';
import {
  decideProviderEvent,
  isTerminal,
  type IntentStatus,
  type ProviderEventDecision,
} from './payment-intent.state-machine';
import type { IntentPatch, PaymentIntent, TransitionCause } from './payment-intent.types';
import { PaymentIntentWriter } from './payment-intent.writer';
import { providerKeys } from './payment-payouts';
import { PaymentSettlement } from './payment-settlement';

/** What a provider says of one intent: a verified webhook's event, or its record read again by a job. */
export type ProviderChange = Pick<
  ProviderEvent,
  'object' | 'reference' | 'amount' | 'currency' | 'occurredAt' | 'failure'
> & {
  target: IntentStatus;
  /** What the payer does next, when the provider's record says (a retrieved payment); webhooks do not. */
  nextAction?: NextAction | null;
};

export type ChangeResult =
  | { outcome: 'applied'; intent: PaymentIntent }
  | {
      outcome: 'ignored';
      intent: PaymentIntent;
      reason: Extract<ProviderEventDecision, { action: 'ignore' }>['reason'];
      alert: PaymentSecurityEvent | null;
    }
  | { outcome: 'mismatch'; intent: PaymentIntent; mismatch: Record<string, string> };

/**
 * The one way a provider's word moves an intent, whether a webhook brought it or a job read it again (reconciliation's
 * follow and creation recovery, the deposit expiry, the cancel): checked against the intent (object, reference,
 * amount, currency), decided by the state machine (never backwards, never a refused end, never a stale non-terminal
 * status), applied as a transition with its cause; then, after the commit, the money it calls for.
 */
@Injectable()
export class PaymentProviderChanges {
  private readonly logger = new Logger(PaymentProviderChanges.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly providers: PaymentProviders,
    private readonly settlement: PaymentSettlement,
    private readonly securityEvents: PaymentSecurityEvents,
  ) {}

  /**
   * In the caller's transaction, under the intent's row lock. `context` (the event id, or what read the record) goes
   * into the details of the alert an ignored change raises; the caller records that alert after its commit.
   */
  public async apply(
    manager: EntityManager,
    intentId: string,
    change: ProviderChange,
    cause: TransitionCause,
    context: Record<string, unknown>,
  ): Promise<ChangeResult> {
    const intent = await this.intents.lockById(manager, intentId);
    if (!intent) throw new Error(`payment intent ${intentId} does not exist`);
    const mismatch = mismatchOf(intent, change);
    if (mismatch) return { outcome: 'mismatch', intent, mismatch };
    const decision = decideProviderEvent(intent, change.target, change.occurredAt);
    if (decision.action === 'ignore') {
      const alert = ignoredChangeAlert(intent, change.target, decision.reason, context);
      const refresh = refreshOf(intent, change);
      const current = refresh ? await this.intents.update(manager, intent.id, refresh) : intent;
      return { outcome: 'ignored', intent: current, reason: decision.reason, alert };
    }
    const next = await this.writer.transition(manager, intent, change.target, cause, patchFor(intent, change));
    return { outcome: 'applied', intent: next };
  }

  /**
   * A provider's record read again with no transaction open (reconciliation, expiry, cancel): applied in a short
   * transaction of its own, the alert of an ignored change recorded after the commit, then the money it calls for.
   * A mismatch changes nothing and is left to the caller to report.
   */
  public async applyRead(
    intentId: string,
    change: ProviderChange,
    cause: TransitionCause,
    context: Record<string, unknown>,
  ): Promise<ChangeResult> {
    const result = await this.dataSource.transaction((manager) =>
      this.apply(manager, intentId, change, cause, context),
    );
    if (result.outcome === 'mismatch') return result;
    if (result.outcome === 'ignored' && result.alert) await this.securityEvents.record(result.alert);
    await this.settle(result.intent);
    return result;
  }

  /** After the commit, money moves; a final decline is also canceled at the provider so it cannot be paid later. */
  public async settle(intent: PaymentIntent | null): Promise<void> {
    if (!intent || !isTerminal(intent.status)) return;
    await this.settlement.settleQuietly(intent.id);
    if (intent.kind === 'deposit' && intent.status === 'failed' && intent.providerReference) {
      try {
        const provider = this.providers.get(intent.provider);
        await provider.cancelPayment(intent.providerReference, providerKeys.cancel(intent.id));
      } catch (error) {
        this.logger.warn(
          { err: error, intentId: intent.id },
          'could not cancel a finally declined payment at the provider',
        );
      }
    }
  }
}

function mismatchOf(intent: PaymentIntent, change: ProviderChange): Record<string, string> | null {
  const expected = intent.kind === 'deposit' ? 'payment' : 'payout';
  if (change.object !== expected) return { problem: 'object', expected, received: change.object };
  if (intent.providerReference && change.reference && intent.providerReference !== change.reference) {
    return { problem: 'reference', expected: intent.providerReference, received: change.reference };
  }
  if (change.amount !== null && change.amount !== intent.amount) {
    return { problem: 'amount', expected: intent.amount.toString(), received: change.amount.toString() };
  }
  if (change.currency !== null && change.currency !== intent.currency) {
    return { problem: 'currency', expected: intent.currency, received: change.currency };
  }
  return null;
}

function patchFor(intent: PaymentIntent, change: ProviderChange): IntentPatch {
  const last = intent.lastProviderEventAt;
  const patch: IntentPatch = {
    lastProviderEventAt: last && last.getTime() > change.occurredAt.getTime() ? last : change.occurredAt,
  };
  if (!intent.providerReference && change.reference) patch.providerReference = change.reference;
  if (change.failure) {
    patch.failureCode = change.failure.code;
    patch.failureMessage = change.failure.message;
  }
  if (!isWaiting(change.target)) patch.nextAction = null;
  else if (change.nextAction !== undefined) patch.nextAction = change.nextAction;
  return patch;
}

/**
 * What a change that moves nothing still tells an open intent: the provider's reference it lacks (the answer to its
 * creation was lost) and the page the payer has to act on. Null when there is nothing new: every write moves
 * `updated_at`, which the expiry of abandoned deposits and reconciliation's grace read.
 */
function refreshOf(intent: PaymentIntent, change: ProviderChange): IntentPatch | null {
  if (isTerminal(intent.status)) return null;
  const patch: IntentPatch = {};
  if (!intent.providerReference && change.reference) patch.providerReference = change.reference;
  const nextAction = change.nextAction;
  const waiting = change.target === intent.status && isWaiting(intent.status);
  if (waiting && nextAction !== undefined && canonical(nextAction) !== canonical(intent.nextAction))
    patch.nextAction = nextAction;
  return Object.keys(patch).length > 0 ? patch : null;
}

function isWaiting(status: IntentStatus): boolean {
  return status === 'requires_payment_method' || status === 'requires_action';
}

/** Key order aside (jsonb reorders keys). */
function canonical(nextAction: NextAction | null): string {
  return nextAction === null ? 'null' : JSON.stringify(nextAction, Object.keys(nextAction).sort());
}

/**
 * What an ignored change should tell staff: a success after we gave the payment up (the money may have been taken),
 * or an end the state machine refuses from where the intent stands (the intent stays open here).
 */
function ignoredChangeAlert(
  intent: PaymentIntent,
  target: IntentStatus,
  reason: string,
  context: Record<string, unknown>,
): PaymentSecurityEvent | null {
  const details = { ...context, status: intent.status };
  const provider = intent.provider;
  if (target === 'succeeded' && (intent.status === 'failed' || intent.status === 'canceled'))
    return { kind: 'payment.late_success', provider, intentId: intent.id, details };
  if (reason === 'not_allowed' && isTerminal(target))
    return {
      kind: 'payment.provider_status_refused',
      provider,
      intentId: intent.id,
      details: { ...details, providerStatus: target },
    };
  return null;
}
