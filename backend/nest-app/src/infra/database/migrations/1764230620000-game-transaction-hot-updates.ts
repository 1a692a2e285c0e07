import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A game transaction is written twice: claimed (pending), then applied. That second write touched an indexed
 * column (the pending index's `status` and `updated_at`), so PostgreSQL wrote a new entry into every index of the
 * row: four index insertions per bet and win for an index no query reads (a pending row is found by its id; one a
 * crash left behind is driven by the next request that needs it). Without it, and with room kept on each page
 * (fillfactor 50: the row's second version fits beside the first), the apply is a heap-only update (ADR 0011).
 */
export class GameTransactionHotUpdates1764230620000 implements MigrationInterface {
  public name = 'GameTransactionHotUpdates1764230620000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX game_transactions_pending_idx`);
    await runner.query(`ALTER TABLE game_transactions SET (fillfactor = 50)`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE game_transactions RESET (fillfactor)`);
    await runner.query(
      `CREATE INDEX game_transactions_pending_idx ON game_transactions (updated_at) WHERE status = 'pending'`,
    );
  }
}
