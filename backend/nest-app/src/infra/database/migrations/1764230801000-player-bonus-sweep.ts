import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bonus life-cycle sweep (docs/bonuses.md): live bonuses by expiry (offered and active ones past `expires_at`
 * are expired) and completed ones waiting for their conversion, each a small partial index.
 */
export class PlayerBonusSweep1764230801000 implements MigrationInterface {
  public name = 'PlayerBonusSweep1764230801000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX player_bonuses_live_expiry_idx ON player_bonuses (expires_at) WHERE status IN ('offered', 'active')`,
    );
    await runner.query(
      `CREATE INDEX player_bonuses_complete_idx ON player_bonuses (updated_at) WHERE status = 'wagering_complete'`,
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX player_bonuses_complete_idx`);
    await runner.query(`DROP INDEX player_bonuses_live_expiry_idx`);
  }
}
