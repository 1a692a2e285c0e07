import { DomainError } from '@casino/contracts';
import { REQUIRED_CONSENTS, type ConsentKind } from '../consents/consent-types';
import { ageInYears } from '../profile/profile-rules';

/** What real-money play is decided on: the latest decision per required consent, the birth date, its verification. */
export interface EligibilityFacts {
  /** Per required consent, the version its latest decision granted; absent when that decision withdrew it or none. */
  accepted: Partial<Record<ConsentKind, string>>;
  /** Calendar date `YYYY-MM-DD`, or null when none is on file. */
  birthDate: string | null;
  ageVerifiedAt: Date | null;
}

export interface EligibilityPolicy {
  currentVersion: (kind: ConsentKind) => string;
  minimumAge: number;
}

/** Each thing a player still has to do before depositing or playing for real money. */
export type EligibilityGap =
  /** A required consent (terms, privacy) not granted in its current version. */
  | ConsentKind
  | 'birth_date'
  | 'minimum_age'
  /** The date of birth has not been verified (KYC check, or the KYC provider's age check). */
  | 'age_verification';

/**
 * Eligible for real money: every required consent (terms and privacy) granted in its current version, and the age
 * verified — a birth date on file, at least `minimumAge` full years on the UTC day of `now`, and verified.
 */
export function eligibilityGaps(facts: EligibilityFacts, policy: EligibilityPolicy, now: Date): EligibilityGap[] {
  const gaps: EligibilityGap[] = REQUIRED_CONSENTS.filter(
    (kind) => facts.accepted[kind] !== policy.currentVersion(kind),
  );
  if (facts.birthDate === null) gaps.push('birth_date');
  else if (ageInYears(facts.birthDate, now) < policy.minimumAge) gaps.push('minimum_age');
  if (facts.ageVerifiedAt === null) gaps.push('age_verification');
  return gaps;
}

/**
 * TERMS_NOT_ACCEPTED (409) while a required consent is missing or outdated, else AGE_NOT_VERIFIED (403) while
 * the age is not verified. Either names every gap (`details.missing`), so one answer tells the player all.
 */
export function assertEligible(facts: EligibilityFacts, policy: EligibilityPolicy, now: Date): void {
  const missing = eligibilityGaps(facts, policy, now);
  if (missing.length === 0) return;
  const details = { missing, minimumAge: policy.minimumAge };
  const consents = REQUIRED_CONSENTS.filter((kind) => missing.includes(kind));
  if (consents.length > 0) {
    throw new DomainError('TERMS_NOT_ACCEPTED', 'The current terms must be accepted before playing for money', {
      ...details,
      currentVersions: Object.fromEntries(consents.map((kind) => [kind, policy.currentVersion(kind)])),
    });
  }
  throw new DomainError('AGE_NOT_VERIFIED', 'The player’s age must be verified before playing for money', details);
}
