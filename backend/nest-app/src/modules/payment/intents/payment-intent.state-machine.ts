import { DomainError, PAYMENT_INTENT_STATUSES, type PaymentIntentStatus } from '@casino/contracts';

export { PAYMENT_INTENT_STATUSES };
export type IntentStatus = PaymentIntentStatus;

export const TERMINAL_STATUSES: ReadonlySet<IntentStatus> = new Set(['succeeded', 'canceled', 'failed']);

/**
 * Every transition allowed, after Stripe's PaymentIntent life cycle (../shared/reference/payments.md):
 * - a failure or decline returns an intent to `requires_payment_method` so it can be retried,
 *   and `failed` closes it for good (a final decline, a failed payout);
 * - cancel is allowed before `processing` or `succeeded` (and from `requires_capture`, which releases the authorisation);
 * - `succeeded`, `canceled` and `failed` are terminal.
 * Anything not listed is refused, which is also what keeps a late event from moving an intent backwards.
 * `processing → canceled` stays refused: payments.md allows cancel only before `processing`. (Stripe's API reference
 * allows canceling a `processing` PaymentIntent "in rare cases"; should a PSP report one, the event is ignored as
 * `not_allowed` and logged, and the intent stays `processing`, counted toward the deposit limit, until staff resolve
 * it: STAFF_RESOLUTIONS.)
 */
const ALLOWED: Readonly<Record<IntentStatus, readonly IntentStatus[]>> = {
  requires_payment_method: ['requires_action', 'processing', 'requires_capture', 'succeeded', 'canceled', 'failed'],
  requires_action: ['requires_payment_method', 'processing', 'requires_capture', 'succeeded', 'canceled', 'failed'],
  processing: ['requires_payment_method', 'requires_capture', 'succeeded', 'failed'],
  requires_capture: ['succeeded', 'canceled'],
  succeeded: [],
  canceled: [],
  failed: [],
};

export function isTerminal(status: IntentStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function canTransition(from: IntentStatus, to: IntentStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Throws PAYMENT_TRANSITION_NOT_ALLOWED (409) unless `from → to` is in the table. */
export function assertTransition(from: IntentStatus, to: IntentStatus, cause: string): void {
  if (!canTransition(from, to)) {
    throw new DomainError('PAYMENT_TRANSITION_NOT_ALLOWED', `A payment cannot go from ${from} to ${to}`, {
      from,
      to,
      cause,
    });
  }
}

export type ProviderEventDecision =
  { action: 'apply' } | { action: 'ignore'; reason: 'same_status' | 'terminal' | 'not_allowed' | 'stale' };

/**
 * What a provider's event does to an intent. Events arrive late, twice and out of order, so this
 * never throws: it applies an allowed transition, or says why the event changes nothing.
 * An event older than the last one applied may not move the intent to a non-terminal status
 * (a late `payment_failed` after a retry reached `processing`); a terminal status, once the
 * table allows it, is always the latest truth.
 */
export function decideProviderEvent(
  current: { status: IntentStatus; lastProviderEventAt: Date | null },
  target: IntentStatus,
  eventAt: Date,
): ProviderEventDecision {
  if (isTerminal(current.status))
    return { action: 'ignore', reason: current.status === target ? 'same_status' : 'terminal' };
  if (current.status === target) return { action: 'ignore', reason: 'same_status' };
  if (!canTransition(current.status, target)) return { action: 'ignore', reason: 'not_allowed' };
  const stale = current.lastProviderEventAt !== null && eventAt.getTime() < current.lastProviderEventAt.getTime();
  if (stale && !isTerminal(target)) return { action: 'ignore', reason: 'stale' };
  return { action: 'apply' };
}

/**
 * The transitions of a staff resolution (PaymentResolution) only, never of a provider's event or a job: staff close a
 * payment left `processing` here once the PSP's own record, read again, shows it ended without success. This is where
 * `processing → canceled`, refused to providers above, is allowed; `processing → failed` (a payout that failed with
 * its webhook lost) is in both tables.
 */
const STAFF_RESOLUTIONS: Readonly<Partial<Record<IntentStatus, readonly IntentStatus[]>>> = {
  processing: ['canceled', 'failed'],
};

/** What the PSP's record, read again, says of a payment: ended with or without success, or not ended yet. */
export type ProviderOutcome = 'succeeded' | 'canceled' | 'failed' | 'pending';

export type StaffResolutionDecision =
  | { action: 'close'; to: IntentStatus }
  | { action: 'refuse'; reason: 'not_resolvable' | 'provider_succeeded' | 'provider_pending' };

/** Whether staff may try to resolve an intent in this status (the PSP decides the rest). */
export function isStaffResolvable(status: IntentStatus): boolean {
  return (STAFF_RESOLUTIONS[status] ?? []).length > 0;
}

/** Staff close an intent only as the PSP ended it, and never one the PSP says succeeded or has not ended. */
export function decideStaffResolution(current: IntentStatus, provider: ProviderOutcome): StaffResolutionDecision {
  if (provider === 'succeeded') return { action: 'refuse', reason: 'provider_succeeded' };
  if (provider === 'pending') return { action: 'refuse', reason: 'provider_pending' };
  if (!STAFF_RESOLUTIONS[current]?.includes(provider)) return { action: 'refuse', reason: 'not_resolvable' };
  return { action: 'close', to: provider };
}

/** Throws PAYMENT_TRANSITION_NOT_ALLOWED (409) unless `from → to` is a staff resolution. */
export function assertStaffResolution(from: IntentStatus, to: IntentStatus, cause: string): void {
  if (!STAFF_RESOLUTIONS[from]?.includes(to)) {
    throw new DomainError('PAYMENT_TRANSITION_NOT_ALLOWED', `Staff cannot resolve a payment from ${from} to ${to}`, {
      from,
      to,
      cause,
    });
  }
}

/** Statuses from which the player (or staff) may cancel. */
export function isCancelable(status: IntentStatus): boolean {
  return canTransition(status, 'canceled');
}
