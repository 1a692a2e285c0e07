import { DomainError } from '@casino/contracts';

export const KYC_STATUSES = ['not_started', 'pending', 'verified', 'rejected'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

export const KYC_LEVELS = ['basic', 'enhanced'] as const;
export type KycLevel = (typeof KYC_LEVELS)[number];

/** Every allowed move; anything else is refused. A verified check is final (a new level is a new process). */
const ALLOWED: Readonly<Record<KycStatus, readonly KycStatus[]>> = {
  not_started: ['pending'],
  pending: ['verified', 'rejected'],
  rejected: ['pending'],
  verified: [],
};

export function canTransition(from: KycStatus, to: KycStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertKycTransition(from: KycStatus, to: KycStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError('KYC_TRANSITION_NOT_ALLOWED', `KYC cannot go from ${from} to ${to}`, { from, to });
  }
}

/** Does a check of `held` level satisfy a requirement of `required` level? */
export function levelSatisfies(held: KycLevel, required: KycLevel): boolean {
  return KYC_LEVELS.indexOf(held) >= KYC_LEVELS.indexOf(required);
}
