import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The auth module's tables: security events (sign-ins, failures, lockouts, 2FA changes, token reuse,
 * session revocations) and second factors (TOTP secret encrypted at rest, hashed recovery codes,
 * the phone used for SMS codes). Sessions and one-time codes live in Redis.
 */
export class Auth1764230380000 implements MigrationInterface {
  public name = 'Auth1764230380000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE security_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurred_at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        user_id uuid,
        session_id text,
        subject text,
        ip inet,
        user_agent text,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await runner.query(`CREATE INDEX security_events_user_idx ON security_events (user_id, occurred_at DESC)`);
    await runner.query(`CREATE INDEX security_events_kind_idx ON security_events (kind, occurred_at DESC)`);
    await runner.query(`CREATE INDEX security_events_ip_idx ON security_events (ip, occurred_at DESC)`);
    await runner.query(`
      CREATE TABLE auth_totp_factors (
        user_id uuid PRIMARY KEY,
        secret_ciphertext text NOT NULL,
        enabled_at timestamptz,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE auth_recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        code_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        UNIQUE (user_id, code_hash)
      )`);
    await runner.query(`
      CREATE TABLE auth_sms_factors (
        user_id uuid PRIMARY KEY,
        phone text NOT NULL,
        verified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE auth_sms_factors`);
    await runner.query(`DROP TABLE auth_recovery_codes`);
    await runner.query(`DROP TABLE auth_totp_factors`);
    await runner.query(`DROP TABLE security_events`);
  }
}
