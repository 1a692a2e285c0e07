import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Extensions and the audit log every module writes to. */
export class Foundation1764230000000 implements MigrationInterface {
  public name = 'Foundation1764230000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await runner.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_roles text[] NOT NULL DEFAULT '{}',
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        ip inet,
        user_agent text,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await runner.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, occurred_at DESC)`);
    await runner.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, occurred_at DESC)`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE audit_log`);
  }
}
