import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `etl:backfill` pages through a range of ledger transactions and outbox events by created_at. BRIN, not B-tree:
 * both tables are appended in created_at order, so a block-range summary finds an hour's rows in a few pages, and it
 * costs the insert of every wallet transaction next to nothing (ADR 0011 keeps that path's indexes few). The
 * ledger's index also serves `etl:verify`'s per-day totals. `autosummarize`: a block range is summarised by autovacuum
 * once filled; unsummarised ranges are read whole by every query (measured: an hour's page of a 300,000-row day read
 * 10,217 blocks in 135 ms unsummarised, 640 blocks in 9 ms summarised).
 */
export class BackfillCreatedAtIndexes1764230750000 implements MigrationInterface {
  public name = 'BackfillCreatedAtIndexes1764230750000';

  public async up(runner: QueryRunner): Promise<void> {
    for (const table of ['ledger_transactions', 'outbox_events']) {
      await runner.query(
        `CREATE INDEX ${table}_created_brin ON ${table} USING brin (created_at) WITH (autosummarize = on)`,
      );
    }
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX outbox_events_created_brin`);
    await runner.query(`DROP INDEX ledger_transactions_created_brin`);
  }
}
