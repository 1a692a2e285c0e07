import type { MigrationInterface, QueryRunner } from 'typeorm';

/** KYC state per user (no row: not_started) and the history of every change. */
export class UserKyc1764230310000 implements MigrationInterface {
  public name = 'UserKyc1764230310000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE user_kyc (
        user_id uuid PRIMARY KEY REFERENCES users (id),
        status text NOT NULL CHECK (status IN ('not_started', 'pending', 'verified', 'rejected')),
        level text NOT NULL CHECK (level IN ('basic', 'enhanced')),
        provider text NOT NULL,
        provider_reference text NOT NULL,
        reason text,
        reviewed_by text,
        decided_at timestamptz,
        updated_at timestamptz NOT NULL,
        CONSTRAINT user_kyc_reference_key UNIQUE (provider, provider_reference)
      )`);
    await runner.query(`
      CREATE TABLE user_kyc_history (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        from_status text NOT NULL,
        to_status text NOT NULL,
        level text NOT NULL,
        reason text,
        actor_type text NOT NULL CHECK (actor_type IN ('player', 'provider', 'staff')),
        actor_id text,
        provider text,
        provider_event_id text,
        occurred_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX user_kyc_history_user_idx ON user_kyc_history (user_id, id)`);
    await runner.query(`
      CREATE UNIQUE INDEX user_kyc_history_event_key ON user_kyc_history (provider, provider_event_id)
      WHERE provider_event_id IS NOT NULL`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE user_kyc_history`);
    await runner.query(`DROP TABLE user_kyc`);
  }
}
