import { DomainError } from '@casino/contracts';

export const PLAYER_BONUS_STATUSES = [
  'offered',
  'active',
  'wagering_complete',
  'converted',
  'expired',
  'forfeited',
  'canceled',
] as const;
export type PlayerBonusStatus = (typeof PLAYER_BONUS_STATUSES)[number];

/** What moves a bonus from one status to another; each transition row in the log names one. */
export type PlayerBonusCause =
  | 'player_opt_in'
  | 'staff_grant'
  | 'deposit_match'
  | 'cashback'
  | 'wagering_met'
  | 'conversion'
  | 'validity_elapsed'
  | 'player_forfeit'
  | 'staff_cancel';

/**
 * The allowed transitions (docs/bonuses.md): an offer is accepted, lapses or is withdrawn; an active bonus completes
 * its wagering, expires, or the player leaves it (CMA: at any time); a completed one converts once. Terminal
 * statuses have no way out.
 */
const TRANSITIONS: Record<PlayerBonusStatus, Partial<Record<PlayerBonusStatus, readonly PlayerBonusCause[]>>> = {
  offered: {
    active: ['player_opt_in', 'staff_grant', 'deposit_match', 'cashback'],
    expired: ['validity_elapsed'],
    canceled: ['staff_cancel'],
  },
  active: {
    wagering_complete: ['wagering_met'],
    expired: ['validity_elapsed'],
    forfeited: ['player_forfeit'],
    canceled: ['staff_cancel'],
  },
  wagering_complete: {
    converted: ['conversion'],
    forfeited: ['player_forfeit'],
  },
  converted: {},
  expired: {},
  forfeited: {},
  canceled: {},
};

export function isTerminal(status: PlayerBonusStatus): boolean {
  return Object.keys(TRANSITIONS[status]).length === 0;
}

export function canTransition(from: PlayerBonusStatus, to: PlayerBonusStatus, cause: PlayerBonusCause): boolean {
  return TRANSITIONS[from][to]?.includes(cause) ?? false;
}

/** Throws BONUS_TRANSITION_NOT_ALLOWED (409) for a transition the machine does not have. */
export function assertTransition(from: PlayerBonusStatus, to: PlayerBonusStatus, cause: PlayerBonusCause): void {
  if (!canTransition(from, to, cause)) {
    throw new DomainError('BONUS_TRANSITION_NOT_ALLOWED', `A ${from} bonus cannot become ${to} by ${cause}`, {
      from,
      to,
      cause,
    });
  }
}
