import { DomainError } from '@casino/contracts';
import { hasPending, NO_LIMIT, type LimitState } from './rg-limit-types';

/** UKGC RTS 12: an increase or removal waits 24 hours, then needs the player's confirmation. */
export const COOLING_OFF_MS = 24 * 60 * 60 * 1000;

export type LimitChangeAction =
  'unchanged' | 'applied' | 'increase_requested' | 'removal_requested' | 'pending_cancelled';

export interface LimitChange {
  action: LimitChangeAction;
  next: LimitState;
}

/**
 * What a request to set a limit to `requested` (null: remove it) does. Stricter (lower, or a limit
 * where there was none) applies at once and drops any pending change; less strict becomes pending.
 */
export function requestLimitChange(current: LimitState, requested: bigint | null, now: Date): LimitChange {
  if (requested === current.value) {
    return hasPending(current)
      ? { action: 'pending_cancelled', next: { ...NO_LIMIT, value: current.value } }
      : { action: 'unchanged', next: current };
  }
  const stricter = requested !== null && (current.value === null || requested < current.value);
  if (stricter) {
    return { action: 'applied', next: { ...NO_LIMIT, value: requested } };
  }
  const samePending =
    hasPending(current) &&
    (requested === null ? current.pendingRemoval : !current.pendingRemoval && current.pendingValue === requested);
  if (samePending) {
    // Asking again for the same thing does not restart the cooling-off.
    return { action: 'unchanged', next: current };
  }
  return {
    action: requested === null ? 'removal_requested' : 'increase_requested',
    next: {
      value: current.value,
      pendingValue: requested,
      pendingRemoval: requested === null,
      pendingRequestedAt: now,
      pendingEffectiveAt: new Date(now.getTime() + COOLING_OFF_MS),
    },
  };
}

/** The player confirms a pending increase or removal; only after the cooling-off. */
export function confirmLimitChange(current: LimitState, now: Date): LimitState {
  if (!hasPending(current) || current.pendingEffectiveAt === null) {
    throw new DomainError('RG_NO_PENDING_CHANGE', 'No change of this limit is pending');
  }
  if (now.getTime() < current.pendingEffectiveAt.getTime()) {
    throw new DomainError('RG_COOLING_OFF_NOT_ELAPSED', 'The 24-hour cooling-off period has not ended', {
      confirmableAt: current.pendingEffectiveAt.toISOString(),
    });
  }
  return { ...NO_LIMIT, value: current.pendingRemoval ? null : current.pendingValue };
}
