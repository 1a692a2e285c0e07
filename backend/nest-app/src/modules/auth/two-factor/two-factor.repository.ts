import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface TotpFactor {
  secretCiphertext: string;
  enabledAt: Date | null;
  lastUsedStep: number | null;
}

/**
 * Rows changed by an UPDATE or DELETE: TypeORM answers those with `[rows, affected]` on PostgreSQL,
 * and an INSERT with the rows alone.
 */
function changedRows(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[1];
  }
  return Array.isArray(result) ? result.length : 0;
}

export interface SmsFactor {
  phone: string;
  verifiedAt: Date | null;
}

/** Second factors of users: TOTP secret (sealed), recovery codes (hashed), SMS phone. */
@Injectable()
export class TwoFactorRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async isAnyFactorEnabled(userId: string): Promise<boolean> {
    const rows: { enabled: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM auth_totp_factors WHERE user_id = $1 AND enabled_at IS NOT NULL)
           OR EXISTS (SELECT 1 FROM auth_sms_factors WHERE user_id = $1 AND verified_at IS NOT NULL) AS enabled`,
      [userId],
    );
    return rows[0]?.enabled === true;
  }

  public async findTotp(userId: string): Promise<TotpFactor | null> {
    const rows: { secret_ciphertext: string; enabled_at: Date | null; last_used_step: string | null }[] =
      await this.dataSource.query(
        `SELECT secret_ciphertext, enabled_at, last_used_step FROM auth_totp_factors WHERE user_id = $1`,
        [userId],
      );
    const row = rows[0];
    if (!row) return null;
    return {
      secretCiphertext: row.secret_ciphertext,
      enabledAt: row.enabled_at,
      lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    };
  }

  /** Stores a new, not yet enabled secret; false when TOTP is already enabled (never overwritten then). */
  public async savePendingTotp(userId: string, secretCiphertext: string): Promise<boolean> {
    const rows: unknown = await this.dataSource.query(
      `INSERT INTO auth_totp_factors (user_id, secret_ciphertext) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_ciphertext = EXCLUDED.secret_ciphertext, last_used_step = NULL, updated_at = now()
         WHERE auth_totp_factors.enabled_at IS NULL
       RETURNING user_id`,
      [userId, secretCiphertext],
    );
    return changedRows(rows) === 1;
  }

  /**
   * Turns TOTP on, remembering the step of the enabling code, and replaces the recovery codes, in the
   * caller's transaction.
   */
  public async enableTotp(
    manager: EntityManager,
    userId: string,
    step: number,
    recoveryCodeHashes: string[],
  ): Promise<boolean> {
    const rows: unknown = await manager.query(
      `UPDATE auth_totp_factors SET enabled_at = now(), last_used_step = $2, updated_at = now()
       WHERE user_id = $1 AND enabled_at IS NULL RETURNING user_id`,
      [userId, step],
    );
    if (changedRows(rows) !== 1) return false;
    await this.replaceRecoveryCodes(manager, userId, recoveryCodeHashes);
    return true;
  }

  /** Claims a TOTP step for the user: true only if it is later than every step used before. */
  public async claimTotpStep(userId: string, step: number): Promise<boolean> {
    const rows: unknown = await this.dataSource.query(
      `UPDATE auth_totp_factors SET last_used_step = $2, updated_at = now()
       WHERE user_id = $1 AND enabled_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)
       RETURNING user_id`,
      [userId, step],
    );
    return changedRows(rows) === 1;
  }

  /** Removes TOTP and the recovery codes, in the caller's transaction. */
  public async deleteTotp(manager: EntityManager, userId: string): Promise<boolean> {
    const rows: unknown = await manager.query(`DELETE FROM auth_totp_factors WHERE user_id = $1 RETURNING user_id`, [
      userId,
    ]);
    await manager.query(`DELETE FROM auth_recovery_codes WHERE user_id = $1`, [userId]);
    return changedRows(rows) === 1;
  }

  /** Marks a recovery code used, in the caller's transaction; false when it is unknown or was used before. */
  public async useRecoveryCode(manager: EntityManager, userId: string, codeHash: string): Promise<boolean> {
    const rows: unknown = await manager.query(
      `UPDATE auth_recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, codeHash],
    );
    return changedRows(rows) === 1;
  }

  public async replaceRecoveryCodes(manager: EntityManager, userId: string, codeHashes: string[]): Promise<void> {
    await manager.query(`DELETE FROM auth_recovery_codes WHERE user_id = $1`, [userId]);
    await manager.query(`INSERT INTO auth_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`, [
      userId,
      codeHashes,
    ]);
  }

  public async countUnusedRecoveryCodes(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    const rows: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM auth_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    return Number(rows[0]?.count ?? 0);
  }

  public async findSms(userId: string, manager: EntityManager = this.dataSource.manager): Promise<SmsFactor | null> {
    const rows: { phone: string; verified_at: Date | null }[] = await manager.query(
      `SELECT phone, verified_at FROM auth_sms_factors WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ? { phone: rows[0].phone, verifiedAt: rows[0].verified_at } : null;
  }

  /** Stores a phone that has just been verified by code, in the caller's transaction; SMS codes become a second factor. */
  public async saveVerifiedPhone(manager: EntityManager, userId: string, phone: string): Promise<void> {
    await manager.query(
      `INSERT INTO auth_sms_factors (user_id, phone, verified_at) VALUES ($1, $2, now())
       ON CONFLICT (user_id) DO UPDATE SET phone = EXCLUDED.phone, verified_at = now(), updated_at = now()`,
      [userId, phone],
    );
  }

  public async deleteSms(manager: EntityManager, userId: string): Promise<boolean> {
    const rows: unknown = await manager.query(`DELETE FROM auth_sms_factors WHERE user_id = $1 RETURNING user_id`, [
      userId,
    ]);
    return changedRows(rows) === 1;
  }
}
