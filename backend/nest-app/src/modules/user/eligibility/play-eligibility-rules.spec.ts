import { DomainError } from '@casino/contracts';
import {
  assertEligible,
  eligibilityGaps,
  type EligibilityFacts,
  type EligibilityPolicy,
} from './play-eligibility-rules';

const NOW = new Date('2026-06-15T12:00:00Z');
const VERSIONS = { terms: '2', privacy: '1', marketing: '1' } as const;
const POLICY: EligibilityPolicy = { currentVersion: (kind) => VERSIONS[kind], minimumAge: 18 };
const ELIGIBLE: EligibilityFacts = {
  accepted: { privacy: '1', terms: '2' },
  birthDate: '1990-01-01',
  ageVerifiedAt: new Date('2026-01-01T00:00:00Z'),
};

function refusal(facts: EligibilityFacts): DomainError {
  try {
    assertEligible(facts, POLICY, NOW);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('eligible');
}

describe('real-money eligibility rules', () => {
  it('passes a player with the current terms and privacy versions and a verified adult age', () => {
    expect(eligibilityGaps(ELIGIBLE, POLICY, NOW)).toEqual([]);
    expect(() => assertEligible(ELIGIBLE, POLICY, NOW)).not.toThrow();
  });

  it('asks for the new terms version when only an older one was accepted', () => {
    const facts = { ...ELIGIBLE, accepted: { privacy: '1', terms: '1' } };
    const error = refusal(facts);
    expect(error.code).toBe('TERMS_NOT_ACCEPTED');
    expect(error.details).toEqual({ missing: ['terms'], minimumAge: 18, currentVersions: { terms: '2' } });
  });

  it('counts a withdrawn or never given consent as missing, and names every gap in one answer', () => {
    const facts: EligibilityFacts = {
      accepted: {},
      birthDate: null,
      ageVerifiedAt: null,
    };
    expect(eligibilityGaps(facts, POLICY, NOW)).toEqual(['terms', 'privacy', 'birth_date', 'age_verification']);
    expect(refusal(facts).code).toBe('TERMS_NOT_ACCEPTED');
  });

  it('refuses with AGE_NOT_VERIFIED without a birth date, without a verification, or under the minimum age', () => {
    expect(refusal({ ...ELIGIBLE, birthDate: null })).toMatchObject({
      code: 'AGE_NOT_VERIFIED',
      details: { missing: ['birth_date'] },
    });
    expect(refusal({ ...ELIGIBLE, ageVerifiedAt: null }).details).toEqual({
      missing: ['age_verification'],
      minimumAge: 18,
    });
    // 18 on 2026-06-16: one day short on the UTC day of NOW.
    expect(refusal({ ...ELIGIBLE, birthDate: '2008-06-16' }).details).toMatchObject({ missing: ['minimum_age'] });
    expect(eligibilityGaps({ ...ELIGIBLE, birthDate: '2008-06-15' }, POLICY, NOW)).toEqual([]);
  });

  it('applies a raised minimum age to birth dates already on file', () => {
    const stricter: EligibilityPolicy = { ...POLICY, minimumAge: 21 };
    expect(eligibilityGaps({ ...ELIGIBLE, birthDate: '2006-01-01' }, stricter, NOW)).toEqual(['minimum_age']);
  });
});
