import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two indexes fewer on the rows every wallet transaction writes (ADR 0011, fourth pass):
 * - ledger entries are found by their transaction, in id order: one primary key (transaction_id, id) serves
 *   that and replaces the separate id key and transaction index (ids still come from one sequence);
 * - no query reads the outbox by aggregate outside the relay, whose pending-rows index covers it; the index on
 *   every row (aggregate_id, position) was written twice per event (insert, then the published mark) for nothing.
 */
export class HotPathIndexes1764230610000 implements MigrationInterface {
  public name = 'HotPathIndexes1764230610000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_pkey`);
    await runner.query(`DROP INDEX ledger_entries_transaction_idx`);
    await runner.query(`ALTER TABLE ledger_entries ADD PRIMARY KEY (transaction_id, id)`);
    await runner.query(`DROP INDEX outbox_events_aggregate_idx`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX outbox_events_aggregate_idx ON outbox_events (aggregate_id, position)`);
    await runner.query(`ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_pkey`);
    await runner.query(`CREATE INDEX ledger_entries_transaction_idx ON ledger_entries (transaction_id)`);
    await runner.query(`ALTER TABLE ledger_entries ADD PRIMARY KEY (id)`);
  }
}
