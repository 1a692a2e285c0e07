import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isRole, type Role } from '../../common/auth/roles';
import type { TelegramIdentity } from './user-directory';
import type { NewUser, ProfilePatch, UserRecord, UserStatus } from './user.types';

const COLUMNS = `id, email, email_verified_at, telegram_id, telegram_username, telegram_first_name,
  telegram_last_name, telegram_photo_url, phone, phone_verified_at, roles, status, display_name, first_name,
  last_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, country, language, currency, currency_locked_at,
  age_verified_at, created_at, updated_at`;

/** Column of each patchable profile field; the only names that ever reach the SQL text. */
const PROFILE_COLUMNS: Record<keyof ProfilePatch, string> = {
  displayName: 'display_name',
  firstName: 'first_name',
  lastName: 'last_name',
  birthDate: 'birth_date',
  country: 'country',
  language: 'language',
  currency: 'currency',
};

interface UserRow {
  id: string;
  email: string | null;
  email_verified_at: Date | null;
  telegram_id: string | null;
  telegram_username: string | null;
  telegram_first_name: string | null;
  telegram_last_name: string | null;
  telegram_photo_url: string | null;
  phone: string | null;
  phone_verified_at: Date | null;
  roles: string[];
  status: UserStatus;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  birth_date: string | null;
  country: string | null;
  language: string | null;
  currency: string;
  currency_locked_at: Date | null;
  age_verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The users table. Purpose-named queries only; no rules live here. */
@Injectable()
export class UsersRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserRecord | null> {
    return this.one(manager, `SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  }

  /** Locks the row until the caller's transaction ends. */
  public async lockById(manager: EntityManager, id: string): Promise<UserRecord | null> {
    return this.one(manager, `SELECT ${COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
  }

  public async findByEmail(email: string): Promise<UserRecord | null> {
    return this.one(this.dataSource.manager, `SELECT ${COLUMNS} FROM users WHERE email = $1`, [email]);
  }

  public async findByTelegramId(telegramId: string): Promise<UserRecord | null> {
    return this.one(this.dataSource.manager, `SELECT ${COLUMNS} FROM users WHERE telegram_id = $1`, [telegramId]);
  }

  public async findByPhone(phone: string): Promise<UserRecord | null> {
    return this.one(this.dataSource.manager, `SELECT ${COLUMNS} FROM users WHERE phone = $1`, [phone]);
  }

  /** Inserts the user unless its email or Telegram id is taken (then null: someone else registered it first). */
  public async insertIfAbsent(manager: EntityManager, user: NewUser): Promise<UserRecord | null> {
    const telegram = user.telegram;
    return this.one(
      manager,
      `INSERT INTO users (email, email_verified_at, telegram_id, telegram_username, telegram_first_name,
         telegram_last_name, telegram_photo_url, currency, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        user.email,
        user.emailVerifiedAt,
        telegram?.telegramId ?? null,
        telegram?.username ?? null,
        telegram?.firstName ?? null,
        telegram?.lastName ?? null,
        telegram?.photoUrl ?? null,
        user.currency,
        user.createdAt,
      ],
    );
  }

  /** Sets the Telegram identity when the account has none or the same one; null when it has another. */
  public async attachTelegram(
    manager: EntityManager,
    userId: string,
    identity: TelegramIdentity,
    at: Date,
  ): Promise<UserRecord | null> {
    return this.one(
      manager,
      `UPDATE users SET telegram_id = $2, telegram_username = $3, telegram_first_name = $4,
         telegram_last_name = $5, telegram_photo_url = $6, updated_at = $7
       WHERE id = $1 AND (telegram_id IS NULL OR telegram_id = $2)
       RETURNING ${COLUMNS}`,
      [
        userId,
        identity.telegramId,
        identity.username ?? null,
        identity.firstName ?? null,
        identity.lastName ?? null,
        identity.photoUrl ?? null,
        at,
      ],
    );
  }

  public async addRole(manager: EntityManager, userId: string, role: Role, at: Date): Promise<UserRecord | null> {
    return this.one(
      manager,
      `UPDATE users SET roles = CASE WHEN $2 = ANY (roles) THEN roles ELSE array_append(roles, $2) END, updated_at = $3
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [userId, role, at],
    );
  }

  public async removeRole(manager: EntityManager, userId: string, role: Role, at: Date): Promise<UserRecord | null> {
    return this.one(
      manager,
      `UPDATE users SET roles = array_remove(roles, $2), updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
      [userId, role, at],
    );
  }

  public async updateStatus(manager: EntityManager, userId: string, status: UserStatus, at: Date): Promise<void> {
    await manager.query(`UPDATE users SET status = $2, updated_at = $3 WHERE id = $1`, [userId, status, at]);
  }

  public async updateProfile(manager: EntityManager, userId: string, patch: ProfilePatch, at: Date): Promise<void> {
    const values: unknown[] = [userId, at];
    const assignments = (Object.keys(PROFILE_COLUMNS) as (keyof ProfilePatch)[])
      .filter((field) => patch[field] !== undefined)
      .map((field) => {
        values.push(patch[field]);
        return `${PROFILE_COLUMNS[field]} = $${values.length}`;
      });
    if (assignments.length === 0) return;
    await manager.query(`UPDATE users SET ${assignments.join(', ')}, updated_at = $2 WHERE id = $1`, values);
  }

  public async setVerifiedEmail(manager: EntityManager, userId: string, email: string, at: Date): Promise<void> {
    await manager.query(`UPDATE users SET email = $2, email_verified_at = $3, updated_at = $3 WHERE id = $1`, [
      userId,
      email,
      at,
    ]);
  }

  public async setVerifiedPhone(manager: EntityManager, userId: string, phone: string, at: Date): Promise<void> {
    await manager.query(`UPDATE users SET phone = $2, phone_verified_at = $3, updated_at = $3 WHERE id = $1`, [
      userId,
      phone,
      at,
    ]);
  }

  /** Freezes the account currency (first deposit); later calls keep the first time. */
  public async lockCurrency(manager: EntityManager, userId: string, at: Date): Promise<void> {
    await manager.query(`UPDATE users SET currency_locked_at = $2 WHERE id = $1 AND currency_locked_at IS NULL`, [
      userId,
      at,
    ]);
  }

  private async one(manager: EntityManager, sql: string, parameters: unknown[]): Promise<UserRecord | null> {
    const rows = (await manager.query(sql, parameters)) as UserRow[] | [UserRow[], number];
    const list = isUpdateResult(rows) ? rows[0] : rows;
    return list.length > 0 ? toRecord(list[0]) : null;
  }
}

/** TypeORM answers UPDATE ... RETURNING with `[rows, affected]`, SELECT and INSERT with the rows. */
function isUpdateResult(rows: UserRow[] | [UserRow[], number]): rows is [UserRow[], number] {
  return rows.length === 2 && Array.isArray(rows[0]) && typeof rows[1] === 'number';
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    emailVerifiedAt: row.email_verified_at,
    telegramId: row.telegram_id,
    telegramUsername: row.telegram_username,
    telegramFirstName: row.telegram_first_name,
    telegramLastName: row.telegram_last_name,
    telegramPhotoUrl: row.telegram_photo_url,
    phone: row.phone,
    phoneVerifiedAt: row.phone_verified_at,
    roles: row.roles.filter(isRole),
    status: row.status,
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    birthDate: row.birth_date,
    country: row.country,
    language: row.language,
    currency: row.currency,
    currencyLockedAt: row.currency_locked_at,
    ageVerifiedAt: row.age_verified_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
