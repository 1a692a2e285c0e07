import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Versioned consents (append-only: the latest row per kind counts) and notification preferences. */
export class UserConsents1764230330000 implements MigrationInterface {
  public name = 'UserConsents1764230330000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE user_consents (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        kind text NOT NULL CHECK (kind IN ('terms', 'privacy', 'marketing')),
        version text NOT NULL,
        granted boolean NOT NULL,
        ip inet,
        user_agent text,
        recorded_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX user_consents_latest_idx ON user_consents (user_id, kind, id DESC)`);
    await runner.query(`
      CREATE TABLE user_notification_preferences (
        user_id uuid NOT NULL REFERENCES users (id),
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'telegram')),
        topic text NOT NULL CHECK (topic IN ('security', 'transactions', 'promotions', 'product_news')),
        enabled boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, channel, topic)
      )`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE user_notification_preferences`);
    await runner.query(`DROP TABLE user_consents`);
  }
}
