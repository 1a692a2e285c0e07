import { DomainError, EVENT_STREAMS, USER_REGISTERED, type UserRegisteredV1 } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/roles';
import { Clock } from '../../common/time/clock';
import { AppConfig } from '../../config/app-config';
import { domainEvent } from '../../infra/outbox/domain-event.factory';
import { OutboxWriter } from '../../infra/outbox/outbox.writer';
import {
  UserDirectory,
  type FoundOrCreated,
  type RequestOrigin,
  type TelegramIdentity,
  type UserAccount,
} from './user-directory';
import { isUniqueViolation } from './database-errors';
import { UsersRepository } from './users.repository';
import { toUserAccount, type NewUser, type UserRecord, type UserStatus } from './user.types';

/** How often a registration that lost a race looks again for the winner's row. */
const REGISTRATION_ATTEMPTS = 3;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Accounts: registration (with `user.registered` in the same transaction), lookup, roles.
 * Implements the `UserDirectory` contract the auth module signs players in with.
 */
@Injectable()
export class UsersService extends UserDirectory {
  private readonly logger = new Logger(UsersService.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
  }

  public async findOrRegisterByEmail(email: string, origin: RequestOrigin): Promise<FoundOrCreated> {
    const normalised = normaliseEmail(email);
    return this.findOrRegister(
      () => this.users.findByEmail(normalised),
      (now) => ({
        email: normalised,
        emailVerifiedAt: now,
        telegram: null,
        currency: this.config.DEFAULT_CURRENCY,
        createdAt: now,
      }),
      origin,
    );
  }

  public async findOrRegisterByTelegram(identity: TelegramIdentity, origin: RequestOrigin): Promise<FoundOrCreated> {
    const result = await this.findOrRegister(
      () => this.users.findByTelegramId(identity.telegramId),
      (now) => ({
        email: null,
        emailVerifiedAt: null,
        telegram: identity,
        currency: this.config.DEFAULT_CURRENCY,
        createdAt: now,
      }),
      origin,
    );
    if (!result.created) {
      // Keep the Telegram username and names as fresh as the last sign-in.
      await this.users.attachTelegram(this.dataSource.manager, result.account.id, identity, this.clock.now());
    }
    return result;
  }

  public async linkTelegram(userId: string, identity: TelegramIdentity, manager?: EntityManager): Promise<UserAccount> {
    const holder = await this.users.findByTelegramId(identity.telegramId);
    if (holder && holder.id !== userId) {
      throw new DomainError('TELEGRAM_ALREADY_LINKED', 'This Telegram account is linked to another account');
    }
    const at = this.clock.now();
    const attached = this.users.attachTelegram(manager ?? this.dataSource.manager, userId, identity, at);
    const updated = await attached.catch((error: unknown) => {
      throw isTelegramTaken(error) ? telegramAlreadyLinked() : error;
    });
    if (!updated) {
      const exists = await this.users.findById(userId);
      if (!exists) throw userNotFound(userId);
      throw telegramAlreadyLinked();
    }
    return toUserAccount(updated);
  }

  public async findById(userId: string): Promise<UserAccount | null> {
    const user = await this.users.findById(userId);
    return user ? toUserAccount(user) : null;
  }

  public async findByEmail(email: string): Promise<UserAccount | null> {
    const user = await this.users.findByEmail(normaliseEmail(email));
    return user ? toUserAccount(user) : null;
  }

  /** The full record, for the user module's own services. */
  public async getRecord(userId: string, manager?: EntityManager): Promise<UserRecord> {
    const user = await this.users.findById(userId, manager);
    if (!user) throw userNotFound(userId);
    return user;
  }

  /**
   * Sets the account status (staff block and unblock, audited by the caller in `manager`'s transaction, which this
   * locks the row in); answers the status before and after.
   */
  public async setStatus(
    manager: EntityManager,
    userId: string,
    status: UserStatus,
  ): Promise<{ before: UserStatus; after: UserStatus }> {
    const user = await this.users.lockById(manager, userId);
    if (!user) throw userNotFound(userId);
    if (user.status !== status) await this.users.updateStatus(manager, userId, status, this.clock.now());
    return { before: user.status, after: status };
  }

  public async grantRole(userId: string, role: Role, manager?: EntityManager): Promise<UserAccount> {
    const user = await this.users.addRole(manager ?? this.dataSource.manager, userId, role, this.clock.now());
    if (!user) throw userNotFound(userId);
    return toUserAccount(user);
  }

  public async revokeRole(userId: string, role: Role, manager?: EntityManager): Promise<UserAccount> {
    const user = await this.users.removeRole(manager ?? this.dataSource.manager, userId, role, this.clock.now());
    if (!user) throw userNotFound(userId);
    return toUserAccount(user);
  }

  public async ensureAdmin(email: string): Promise<UserAccount> {
    const { account } = await this.findOrRegisterByEmail(email, { ip: '127.0.0.1', userAgent: 'system:ensure-admin' });
    if (account.roles.includes('admin')) return account;
    this.logger.log({ userId: account.id }, 'Granting the admin role to the configured admin account');
    return this.grantRole(account.id, 'admin');
  }

  /**
   * Find, else insert with ON CONFLICT DO NOTHING and the event in one transaction. A concurrent
   * registration of the same email or Telegram id makes the insert return nothing (after the
   * winner commits); we then find the winner's row. Exactly one row and one event exist.
   */
  private async findOrRegister(
    find: () => Promise<UserRecord | null>,
    build: (now: Date) => NewUser,
    origin: RequestOrigin,
  ): Promise<FoundOrCreated> {
    for (let attempt = 0; attempt < REGISTRATION_ATTEMPTS; attempt += 1) {
      const existing = await find();
      if (existing) return { account: toUserAccount(existing), created: false };
      const created = await this.register(build(this.clock.now()), origin);
      if (created) return { account: toUserAccount(created), created: true };
    }
    throw new Error('Registration kept conflicting without a row to find');
  }

  private async register(user: NewUser, origin: RequestOrigin): Promise<UserRecord | null> {
    return this.dataSource.transaction(async (manager) => {
      const created = await this.users.insertIfAbsent(manager, user);
      if (!created) return null;
      const payload: UserRegisteredV1 = {
        userId: created.id,
        ...(created.email ? { email: created.email } : {}),
        ...(created.telegramId ? { telegramId: created.telegramId } : {}),
        currency: created.currency,
        registeredAt: created.createdAt.toISOString(),
      };
      const correlation = origin.requestId ? { correlationId: origin.requestId } : {};
      await this.outbox.append(manager, EVENT_STREAMS.USER, [
        domainEvent(USER_REGISTERED, 1, created.id, payload, correlation),
      ]);
      this.logger.log({ userId: created.id }, 'Player registered');
      return created;
    });
  }
}

export function userNotFound(userId: string): DomainError {
  return new DomainError('USER_NOT_FOUND', 'No such user', { userId });
}

function telegramAlreadyLinked(): DomainError {
  return new DomainError('TELEGRAM_ALREADY_LINKED', 'This Telegram account is linked to another account');
}

function isTelegramTaken(error: unknown): boolean {
  return isUniqueViolation(error, 'users_telegram_id_key');
}
