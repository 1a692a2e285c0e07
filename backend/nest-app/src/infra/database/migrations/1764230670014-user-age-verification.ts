import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When and on whose word a player's date of birth was verified (UKGC: before any deposit or real-money play).
 * Players whose KYC check is already verified count as verified from its decision.
 */
export class UserAgeVerification1764230670014 implements MigrationInterface {
  public name = 'UserAgeVerification1764230670014';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE users ADD COLUMN age_verified_at timestamptz, ADD COLUMN age_verified_by text,
        ADD CONSTRAINT users_age_verified_check CHECK ((age_verified_at IS NULL) = (age_verified_by IS NULL))`);
    await runner.query(`
      UPDATE users u SET age_verified_at = k.decided_at, age_verified_by = 'kyc:' || k.reviewed_by
      FROM user_kyc k
      WHERE k.user_id = u.id AND k.status = 'verified' AND k.decided_at IS NOT NULL AND k.reviewed_by IS NOT NULL`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE users DROP CONSTRAINT users_age_verified_check, DROP COLUMN age_verified_by, DROP COLUMN age_verified_at`,
    );
  }
}
