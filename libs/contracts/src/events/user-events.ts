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
