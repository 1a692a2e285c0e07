import type { PaymentIntentKind, PaymentMethod } from '@casino/contracts';
import type { NextAction, ProviderName } from '../psp/payment-provider';
import type { IntentStatus } from './payment-intent.state-machine';

export interface PaymentIntent {
  id: string;
  userId: string;
  kind: PaymentIntentKind;
  provider: ProviderName;
  /** How the payer pays (the player's choice at creation); null for intents created before it was recorded. */
  method: PaymentMethod | null;
  amount: bigint;
  currency: string;
  status: IntentStatus;
  providerReference: string | null;
  nextAction: NextAction | null;
  failureCode: string | null;
  failureMessage: string | null;
  approvalRequired: boolean;
  approvedBy: string | null;
  approvedAt: Date | null;
  walletHoldId: string | null;
  walletTransactionId: string | null;
  settledAt: Date | null;
  lastProviderEventAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields a transition may set together with the status. */
export type IntentPatch = Partial<
  Pick<
    PaymentIntent,
    | 'providerReference'
    | 'nextAction'
    | 'failureCode'
    | 'failureMessage'
    | 'approvedBy'
    | 'approvedAt'
    | 'walletHoldId'
    | 'walletTransactionId'
    | 'settledAt'
    | 'lastProviderEventAt'
  >
>;

export interface TransitionCause {
  /**
   * `created`, `provider:<event type>`, `player_cancel`, `staff_approval`, `payout_sent`, `expired` (an abandoned
   * deposit canceled), `provider_status` (the provider's status followed, as a retrieve answered it)…
   */
  cause: string;
  providerEventId?: string;
  actorId?: string;
  details?: Record<string, unknown>;
}

export interface IntentTransition {
  fromStatus: IntentStatus | null;
  toStatus: IntentStatus;
  cause: string;
  providerEventId: string | null;
  actorId: string | null;
  occurredAt: Date;
}
