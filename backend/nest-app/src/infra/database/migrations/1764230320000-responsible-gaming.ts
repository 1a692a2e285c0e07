import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Responsible-gaming limits (effective and pending), their change history, exclusions, activity counters, play sessions. */
export class ResponsibleGaming1764230320000 implements MigrationInterface {
  public name = 'ResponsibleGaming1764230320000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rg_limits (
        user_id uuid NOT NULL REFERENCES users (id),
        limit_key text NOT NULL,
        currency char(3),
        value bigint CHECK (value > 0),
        pending_value bigint CHECK (pending_value > 0),
        pending_removal boolean NOT NULL DEFAULT false,
        pending_requested_at timestamptz,
        pending_effective_at timestamptz,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, limit_key)
      )`);
    await runner.query(`
      CREATE TABLE rg_limit_changes (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        limit_key text NOT NULL,
        action text NOT NULL,
        previous_value bigint,
        requested_value bigint,
        effective_value bigint,
        currency char(3),
        actor_id text NOT NULL,
        reason text,
        occurred_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX rg_limit_changes_user_idx ON rg_limit_changes (user_id, id)`);
    await runner.query(`
      CREATE TABLE rg_exclusions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        kind text NOT NULL CHECK (kind IN ('time_out', 'self_exclusion')),
        period text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz CHECK (ends_at IS NULL OR ends_at > starts_at),
        reason text,
        actor_id text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX rg_exclusions_user_idx ON rg_exclusions (user_id, ends_at)`);
    await runner.query(`
      CREATE TABLE rg_activity_daily (
        user_id uuid NOT NULL REFERENCES users (id),
        currency char(3) NOT NULL,
        day date NOT NULL,
        deposits bigint NOT NULL DEFAULT 0 CHECK (deposits >= 0),
        wagers bigint NOT NULL DEFAULT 0 CHECK (wagers >= 0),
        wins bigint NOT NULL DEFAULT 0 CHECK (wins >= 0),
        PRIMARY KEY (user_id, currency, day)
      )`);
    await runner.query(`
      CREATE TABLE rg_play_sessions (
        user_id uuid PRIMARY KEY REFERENCES users (id),
        started_at timestamptz NOT NULL,
        last_activity_at timestamptz NOT NULL
      )`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    for (const table of ['rg_play_sessions', 'rg_activity_daily', 'rg_exclusions', 'rg_limit_changes', 'rg_limits']) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
