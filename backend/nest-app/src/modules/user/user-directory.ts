import type { EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/roles';
import type { RequestOrigin } from '../../common/http/request-origin';

export type { RequestOrigin };

export interface TelegramIdentity {
  telegramId: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  photoUrl?: string;
}

/** What auth needs to know of an account. */
export interface UserAccount {
  id: string;
  email: string | null;
  telegramId: string | null;
  roles: Role[];
  /** `active`, or `blocked` / `closed`: a blocked or closed account cannot sign in. */
  status: 'active' | 'blocked' | 'closed';
  createdAt: Date;
}

export interface FoundOrCreated {
  account: UserAccount;
  created: boolean;
}

/**
 * The contract between the auth module and the user module (implemented by the user module's
 * `UsersService`, provided under this abstract class as token). Registration publishes
 * `user.registered` through the outbox in the same transaction that creates the user.
 */
export abstract class UserDirectory {
  /** Finds the account with this (normalised, lower-case) email, or registers a player with it confirmed. */
  public abstract findOrRegisterByEmail(email: string, origin: RequestOrigin): Promise<FoundOrCreated>;

  /** Finds the account with this Telegram id, or registers a player with it. */
  public abstract findOrRegisterByTelegram(identity: TelegramIdentity, origin: RequestOrigin): Promise<FoundOrCreated>;

  /** Links a Telegram account to an existing account; TELEGRAM_ALREADY_LINKED if another account has it. */
  public abstract linkTelegram(
    userId: string,
    identity: TelegramIdentity,
    manager?: EntityManager,
  ): Promise<UserAccount>;

  public abstract findById(userId: string): Promise<UserAccount | null>;

  /** The account with this (normalised, lower-case) email, or null; registers nobody. */
  public abstract findByEmail(email: string): Promise<UserAccount | null>;

  /**
   * Grants a role (staff action, audited by the caller's module); idempotent. Pass the caller's transaction
   * manager to commit the change with its audit record.
   */
  public abstract grantRole(userId: string, role: Role, manager?: EntityManager): Promise<UserAccount>;

  public abstract revokeRole(userId: string, role: Role, manager?: EntityManager): Promise<UserAccount>;

  /** Makes sure the account with this email exists and has the admin role (ADMIN_EMAIL at start). */
  public abstract ensureAdmin(email: string): Promise<UserAccount>;
}
