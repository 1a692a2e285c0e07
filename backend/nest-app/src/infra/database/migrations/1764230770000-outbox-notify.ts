import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wakes the outbox relay when events are committed, instead of at its next poll (ADR 0017, push latency). A
 * statement-level trigger, so a batch insert costs one call whatever its row count; and one constant payload,
 * which PostgreSQL folds into a single notification per transaction, sent at its commit (a rolled-back
 * transaction sends none). Every path that writes the outbox (the ledger's batch, `OutboxWriter`, game rounds)
 * is covered without knowing about it.
 */
export class OutboxNotify1764230770000 implements MigrationInterface {
  public name = 'OutboxNotify1764230770000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_events', '');
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify()`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER outbox_events_notify ON outbox_events`);
    await runner.query(`DROP FUNCTION outbox_events_notify()`);
  }
}
