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
