import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Abuse limits on the welcome bonus (docs/bonuses.md "Abuse limits"): one welcome bonus per payment instrument and
 * per device fingerprint, when known. Each grant claims its keys; the primary key refuses a second claimant.
 */
export class WelcomeClaims1764230801102 implements MigrationInterface {
  public name = 'WelcomeClaims1764230801102';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE bonus_welcome_claims (
        claim_kind text NOT NULL CHECK (claim_kind IN ('instrument', 'device')),
        -- A fingerprint is an identifier of the provider or device, never a card number.
        claim_value text NOT NULL CHECK (length(claim_value) BETWEEN 1 AND 200),
        user_id uuid NOT NULL,
        player_bonus_id uuid NOT NULL REFERENCES player_bonuses (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (claim_kind, claim_value)
      )`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE bonus_welcome_claims`);
  }
}
