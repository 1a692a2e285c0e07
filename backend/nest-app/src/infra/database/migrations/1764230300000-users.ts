import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Player and staff accounts: identity (email, Telegram, phone), roles, status and profile. */
export class Users1764230300000 implements MigrationInterface {
  public name = 'Users1764230300000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text CONSTRAINT users_email_key UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
        email_verified_at timestamptz,
        telegram_id text CONSTRAINT users_telegram_id_key UNIQUE CHECK (telegram_id ~ '^[0-9]{1,20}$'),
        telegram_username text,
        telegram_first_name text,
        telegram_last_name text,
        telegram_photo_url text,
        phone text CONSTRAINT users_phone_key UNIQUE CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        phone_verified_at timestamptz,
        roles text[] NOT NULL DEFAULT '{player}',
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'closed')),
        display_name text,
        first_name text,
        last_name text,
        birth_date date,
        country char(2) CHECK (country ~ '^[A-Z]{2}$'),
        language text,
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        currency_locked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX users_roles_idx ON users USING gin (roles)`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE users`);
  }
}
