import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The idle-session sweeper reads the open sessions every minute. Indexed on `created_at` under `status = 'open'`,
 * not on `last_activity_at`: the wallet calls move `last_activity_at` every few seconds, and an index on it would
 * stop those updates from being HOT (ADR 0011); open sessions are few (one per playing player), so the sweeper
 * filters them on `last_activity_at` itself.
 */
export class GameSessionsOpenIndex1764230680019 implements MigrationInterface {
  public name = 'GameSessionsOpenIndex1764230680019';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX game_sessions_open_idx ON game_sessions (created_at) WHERE status = 'open'`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX game_sessions_open_idx`);
  }
}
