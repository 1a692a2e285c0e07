import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The transactional outbox: events written in the same transaction as the change they describe. */
export class Outbox1764230100000 implements MigrationInterface {
  public name = 'Outbox1764230100000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox_events (
        position bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        stream text NOT NULL,
        event_type text NOT NULL,
        aggregate_id text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await runner.query(`CREATE INDEX outbox_events_pending_idx ON outbox_events (position) WHERE published_at IS NULL`);
    await runner.query(`CREATE INDEX outbox_events_aggregate_idx ON outbox_events (aggregate_id, position)`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE outbox_events`);
  }
}
