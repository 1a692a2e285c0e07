import type { Role } from '../../common/auth/roles';
import type { UserAccount } from './user-directory';

export type UserStatus = UserAccount['status'];

/** A user row as the user module sees it. Dates of birth are calendar dates (`YYYY-MM-DD`), never instants. */
export interface UserRecord {
  id: string;
  email: string | null;
  emailVerifiedAt: Date | null;
  telegramId: string | null;
  telegramUsername: string | null;
  telegramFirstName: string | null;
  telegramLastName: string | null;
  telegramPhotoUrl: string | null;
  phone: string | null;
  phoneVerifiedAt: Date | null;
  roles: Role[];
  status: UserStatus;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  country: string | null;
  language: string | null;
  currency: string;
  currencyLockedAt: Date | null;
  /** When the date of birth was verified (KYC); it cannot change after that. */
  ageVerifiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The profile fields a player may change directly (email and phone go through a code). */
export interface ProfilePatch {
  displayName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  birthDate?: string | null;
  country?: string | null;
  language?: string | null;
  currency?: string;
}

export interface NewUser {
  email: string | null;
  emailVerifiedAt: Date | null;
  telegram: {
    telegramId: string;
    username?: string;
    firstName?: string;
    lastName?: string;
    photoUrl?: string;
  } | null;
  currency: string;
  createdAt: Date;
}

export function toUserAccount(user: UserRecord): UserAccount {
  return {
    id: user.id,
    email: user.email,
    telegramId: user.telegramId,
    roles: user.roles,
    status: user.status,
    createdAt: user.createdAt,
  };
}
