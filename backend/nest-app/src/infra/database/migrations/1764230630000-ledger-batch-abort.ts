import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_abort_batch(reason)`: how the ledger's single-statement batch (ADR 0011, fifth pass) refuses to stand
 * when what it assumed no longer holds (a balance another writer moved, a key another batch took, an attachment's
 * condition). Called from the statement's last expression, it raises SQLSTATE LB001, which undoes every write of
 * the statement; the ledger then runs the batch again under its locks.
 */
export class LedgerBatchAbort1764230630000 implements MigrationInterface {
  public name = 'LedgerBatchAbort1764230630000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION ledger_abort_batch(reason text) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RAISE EXCEPTION 'ledger batch aborted: %', reason USING ERRCODE = 'LB001';
      END $$`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION ledger_abort_batch(text)`);
  }
}
