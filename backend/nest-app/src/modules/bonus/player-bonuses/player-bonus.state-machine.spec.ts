import { DomainError } from '@casino/contracts';
import {
  assertTransition,
  canTransition,
  isTerminal,
  PLAYER_BONUS_STATUSES,
  type PlayerBonusCause,
  type PlayerBonusStatus,
} from './player-bonus.state-machine';

const CAUSES: PlayerBonusCause[] = [
  'player_opt_in',
  'staff_grant',
  'deposit_match',
  'wagering_met',
  'conversion',
  'validity_elapsed',
  'player_forfeit',
  'staff_cancel',
];

/** Every (from, to) pair the machine allows by some cause. */
function allowedPairs(): string[] {
  const pairs: string[] = [];
  for (const from of PLAYER_BONUS_STATUSES) {
    for (const to of PLAYER_BONUS_STATUSES) {
      if (CAUSES.some((cause) => canTransition(from, to, cause))) pairs.push(`${from}->${to}`);
    }
  }
  return pairs;
}

describe('player bonus state machine', () => {
  it('has exactly the documented transitions', () => {
    expect(allowedPairs().sort()).toEqual(
      [
        'offered->active',
        'offered->expired',
        'offered->canceled',
        'active->wagering_complete',
        'active->expired',
        'active->forfeited',
        'active->canceled',
        'wagering_complete->converted',
        'wagering_complete->forfeited',
      ].sort(),
    );
  });

  it('walks the happy path offered → active → wagering_complete → converted', () => {
    const path: [PlayerBonusStatus, PlayerBonusStatus, PlayerBonusCause][] = [
      ['offered', 'active', 'player_opt_in'],
      ['active', 'wagering_complete', 'wagering_met'],
      ['wagering_complete', 'converted', 'conversion'],
    ];
    for (const [from, to, cause] of path) expect(() => assertTransition(from, to, cause)).not.toThrow();
  });

  it('lets a player leave an active bonus at any time, but not by a cause that is not theirs', () => {
    expect(canTransition('active', 'forfeited', 'player_forfeit')).toBe(true);
    expect(canTransition('active', 'forfeited', 'validity_elapsed')).toBe(false);
    expect(canTransition('active', 'converted', 'conversion')).toBe(false);
  });

  it('converts only once: terminal statuses have no way out', () => {
    for (const status of ['converted', 'expired', 'forfeited', 'canceled'] as const) {
      expect(isTerminal(status)).toBe(true);
      for (const to of PLAYER_BONUS_STATUSES) {
        for (const cause of CAUSES) expect(canTransition(status, to, cause)).toBe(false);
      }
    }
    expect(isTerminal('active')).toBe(false);
  });

  it('refuses with the stable code BONUS_TRANSITION_NOT_ALLOWED (409)', () => {
    let error: unknown;
    try {
      assertTransition('converted', 'converted', 'conversion');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'BONUS_TRANSITION_NOT_ALLOWED', category: 'conflict' });
  });
});
