import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Report exports requested by staff (docs/reports.md "Exports"): who asked for which file and why. Progress and
 * counts live in the `reports` queue's job (id = export id); the file in the object storage.
 */
export class ReportExports1764230730000 implements MigrationInterface {
  public name = 'ReportExports1764230730000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE report_exports (
        id uuid PRIMARY KEY,
        requested_by uuid NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'xlsx', 'parquet')),
        description text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX report_exports_requested_by_idx ON report_exports (requested_by, created_at DESC)`,
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE report_exports`);
  }
}
