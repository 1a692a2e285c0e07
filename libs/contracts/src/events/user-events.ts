import type { DomainEventEnvelope } from './envelope';

export const USER_REGISTERED = 'user.registered';

export interface UserRegisteredV1 {
  userId: string;
  email?: string;
  telegramId?: string;
  currency: string;
  country?: string;
  registeredAt: string;
}

export type UserRegisteredEvent = DomainEventEnvelope<typeof USER_REGISTERED, UserRegisteredV1>;

export const USER_CURRENCY_CHANGED = 'user.currency.changed';

/** The player changed the account currency before the first deposit; a wallet should follow it. */
export interface UserCurrencyChangedV1 {
  userId: string;
  previousCurrency: string;
  currency: string;
  changedAt: string;
}

export type UserCurrencyChangedEvent = DomainEventEnvelope<typeof USER_CURRENCY_CHANGED, UserCurrencyChangedV1>;

export const USER_KYC_CHANGED = 'user.kyc.changed';

/** A player's KYC status changed (start, provider result, staff decision). No personal data, no free-text reason. */
export interface UserKycChangedV1 {
  userId: string;
  /** `not_started` for the first check. */
  fromStatus: string;
  status: string;
  level: string;
  /** Who moved it: `player`, `provider`, `staff`. */
  actorType: string;
  changedAt: string;
}

export type UserKycChangedEvent = DomainEventEnvelope<typeof USER_KYC_CHANGED, UserKycChangedV1>;

export const USER_RG_LIMIT_CHANGED = 'user.rg.limit_changed';
export const USER_RG_EXCLUDED = 'user.rg.excluded';

/**
 * A responsible-gaming limit requested, applied, scheduled or confirmed (`action` as the limits log records it).
 * Values are integer minor units (money limits, in `currency`) or minutes, as decimal strings; null means no limit.
 */
export interface UserRgLimitChangedV1 {
  userId: string;
  limit: string;
  action: string;
  previousValue: string | null;
  requestedValue: string | null;
  effectiveValue: string | null;
  currency: string | null;
  changedAt: string;
}

/** A time-out or self-exclusion began; `endsAt` null for a permanent one. */
export interface UserRgExcludedV1 {
  userId: string;
  kind: 'time_out' | 'self_exclusion';
  period: string;
  startsAt: string;
  endsAt: string | null;
}

export type UserRgLimitChangedEvent = DomainEventEnvelope<typeof USER_RG_LIMIT_CHANGED, UserRgLimitChangedV1>;
export type UserRgExcludedEvent = DomainEventEnvelope<typeof USER_RG_EXCLUDED, UserRgExcludedV1>;
export type UserRgEvent = UserRgLimitChangedEvent | UserRgExcludedEvent;
