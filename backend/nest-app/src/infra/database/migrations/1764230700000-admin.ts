import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The back office (ADR 0018): maker-checker adjustment requests, staff notes and tags, the staff-owned fields of
 * games (kept by the catalogue sync), and the indexes of the player search: email and phone prefixes
 * (`text_pattern_ops`, usable by `LIKE 'prefix%'`), name fragments (trigrams), registration order (keyset).
 */
export class Admin1764230700000 implements MigrationInterface {
  public name = 'Admin1764230700000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE adjustment_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        wallet_id uuid NOT NULL REFERENCES wallets (id),
        user_id uuid NOT NULL,
        currency char(3) NOT NULL,
        amount bigint NOT NULL CHECK (amount <> 0),
        balance text NOT NULL CHECK (balance IN ('cash', 'bonus')),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'failed')),
        maker_id uuid NOT NULL,
        maker_key text NOT NULL,
        request_hash text NOT NULL,
        checker_id uuid,
        decision_reason text,
        transaction_id uuid,
        failure_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT adjustment_requests_maker_key UNIQUE (maker_id, maker_key),
        CONSTRAINT adjustment_requests_four_eyes CHECK (checker_id IS NULL OR checker_id <> maker_id),
        CONSTRAINT adjustment_requests_decided CHECK ((status = 'pending') = (decided_at IS NULL))
      )`);
    await runner.query(
      `CREATE INDEX adjustment_requests_status_idx ON adjustment_requests (status, created_at DESC, id DESC)`,
    );
    await runner.query(`
      CREATE TABLE staff_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        author_id uuid NOT NULL,
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX staff_notes_user_idx ON staff_notes (user_id, created_at DESC)`);
    await runner.query(`
      CREATE TABLE player_tags (
        user_id uuid NOT NULL REFERENCES users (id),
        tag text NOT NULL CHECK (tag ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, tag)
      )`);
    await runner.query(`ALTER TABLE games ADD COLUMN staff_owned_fields text[] NOT NULL DEFAULT '{}'`);
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await runner.query(`CREATE INDEX users_email_prefix_idx ON users (email text_pattern_ops)`);
    await runner.query(`CREATE INDEX users_phone_prefix_idx ON users (phone text_pattern_ops)`);
    await runner.query(`CREATE INDEX users_registered_idx ON users (created_at DESC, id DESC)`);
    await runner.query(`
      CREATE INDEX users_name_trgm_idx ON users USING gin (
        (lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(display_name, '')))
        gin_trgm_ops)`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX users_name_trgm_idx`);
    await runner.query(`DROP INDEX users_registered_idx`);
    await runner.query(`DROP INDEX users_phone_prefix_idx`);
    await runner.query(`DROP INDEX users_email_prefix_idx`);
    await runner.query(`ALTER TABLE games DROP COLUMN staff_owned_fields`);
    await runner.query(`DROP TABLE player_tags`);
    await runner.query(`DROP TABLE staff_notes`);
    await runner.query(`DROP TABLE adjustment_requests`);
  }
}
