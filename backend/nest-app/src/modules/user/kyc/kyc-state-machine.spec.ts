import { DomainError } from '@casino/contracts';
import { assertKycTransition, KYC_STATUSES, levelSatisfies, type KycStatus } from './kyc-state-machine';

/** The transitions the issue allows: not_started → pending → verified | rejected, rejected → pending. */
const ALLOWED: [KycStatus, KycStatus][] = [
  ['not_started', 'pending'],
  ['pending', 'verified'],
  ['pending', 'rejected'],
  ['rejected', 'pending'],
];

const ALL_PAIRS = KYC_STATUSES.flatMap((from) => KYC_STATUSES.map((to): [KycStatus, KycStatus] => [from, to]));
const DISALLOWED = ALL_PAIRS.filter(([from, to]) => !ALLOWED.some(([a, b]) => a === from && b === to));

describe('KYC state machine', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(() => assertKycTransition(from, to)).not.toThrow();
  });

  it('refuses the other 12 of the 16 pairs', () => {
    expect(DISALLOWED).toHaveLength(12);
  });

  it.each(DISALLOWED)('refuses %s → %s with KYC_TRANSITION_NOT_ALLOWED', (from, to) => {
    let thrown: unknown;
    try {
      assertKycTransition(from, to);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'KYC_TRANSITION_NOT_ALLOWED', category: 'conflict', details: { from, to } });
  });

  it('ranks enhanced above basic', () => {
    expect(levelSatisfies('enhanced', 'basic')).toBe(true);
    expect(levelSatisfies('basic', 'enhanced')).toBe(false);
    expect(levelSatisfies('basic', 'basic')).toBe(true);
  });
});
