import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bonus templates (docs/bonuses.md): the terms staff define once and players accept. Terms are never edited after
 * creation (UKGC: no retroactive change to an accepted bonus); a template is retired and a new one made instead.
 */
export class BonusTemplates1764230760000 implements MigrationInterface {
  public name = 'BonusTemplates1764230760000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE bonus_templates (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        kind text NOT NULL CHECK (kind IN ('deposit_match', 'no_deposit')),
        product_type text NOT NULL CHECK (product_type IN ('casino', 'betting', 'bingo')),
        currency char(3) NOT NULL REFERENCES currencies (code),
        match_percent integer CHECK (match_percent BETWEEN 1 AND 1000),
        max_bonus bigint CHECK (max_bonus > 0),
        min_deposit bigint CHECK (min_deposit > 0),
        amount bigint CHECK (amount > 0),
        wagering_multiplier integer NOT NULL CHECK (wagering_multiplier BETWEEN 0 AND 100),
        game_weights jsonb NOT NULL,
        default_weight integer NOT NULL CHECK (default_weight BETWEEN 0 AND 100),
        max_bet bigint NOT NULL CHECK (max_bet > 0),
        validity_days integer NOT NULL CHECK (validity_days BETWEEN 1 AND 365),
        max_conversion bigint CHECK (max_conversion > 0),
        eligible_countries text[] NOT NULL,
        opt_in boolean NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        CONSTRAINT bonus_templates_kind_terms CHECK (
          (kind = 'deposit_match' AND match_percent IS NOT NULL AND max_bonus IS NOT NULL AND min_deposit IS NOT NULL
             AND amount IS NULL)
          OR (kind = 'no_deposit' AND amount IS NOT NULL AND match_percent IS NULL AND max_bonus IS NULL
             AND min_deposit IS NULL))
      )`);
    await runner.query(
      `CREATE INDEX bonus_templates_active_idx ON bonus_templates (created_at DESC) WHERE retired_at IS NULL`,
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE bonus_templates`);
  }
}
