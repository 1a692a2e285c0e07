import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled reports (docs/reports.md "Schedules"): what to export when, in which zone, to whom. The BullMQ job
 * schedulers that fire them are rebuilt from this table at start; a run reads its row again before it exports.
 */
export class ReportSchedules1764230740000 implements MigrationInterface {
  public name = 'ReportSchedules1764230740000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE report_schedules (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        created_by uuid NOT NULL,
        cron text NOT NULL,
        time_zone text NOT NULL,
        period text NOT NULL
          CHECK (period IN ('previous_day', 'previous_week', 'previous_month', 'previous_quarter')),
        definition jsonb NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'xlsx', 'parquet')),
        recipients text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 20),
        paused boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE report_schedules`);
  }
}
