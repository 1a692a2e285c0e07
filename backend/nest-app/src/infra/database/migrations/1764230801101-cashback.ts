import type { MigrationInterface, QueryRunner } from 'typeorm';

const KIND_TERMS = `(
  (kind = 'deposit_match' AND match_percent IS NOT NULL AND max_bonus IS NOT NULL AND min_deposit IS NOT NULL
     AND amount IS NULL AND spin_count IS NULL AND cashback_percent IS NULL)
  OR (kind = 'no_deposit' AND amount IS NOT NULL AND match_percent IS NULL AND max_bonus IS NULL
     AND min_deposit IS NULL AND spin_count IS NULL AND cashback_percent IS NULL)
  OR (kind = 'free_spins' AND provider_code IS NOT NULL AND game_code IS NOT NULL AND spin_count IS NOT NULL
     AND spin_value IS NOT NULL AND amount IS NULL AND match_percent IS NULL AND max_bonus IS NULL
     AND min_deposit IS NULL AND cashback_percent IS NULL)
  OR (kind = 'cashback' AND cashback_percent IS NOT NULL AND period_days IS NOT NULL AND amount IS NULL
     AND match_percent IS NULL AND max_bonus IS NULL AND min_deposit IS NULL AND spin_count IS NULL))`;

/**
 * Cashback (docs/bonuses.md "Cashback"): a template kind paying a share of each player's net cash losses over a
 * period as a bonus, once per player and period (the grant key `cashback:<template>:<period>:<player>`).
 */
export class Cashback1764230801101 implements MigrationInterface {
  public name = 'Cashback1764230801101';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE bonus_templates
        ADD COLUMN cashback_percent integer CHECK (cashback_percent BETWEEN 1 AND 100),
        ADD COLUMN period_days integer CHECK (period_days BETWEEN 1 AND 31)`);
    await runner.query(`ALTER TABLE bonus_templates DROP CONSTRAINT bonus_templates_kind_check`);
    await runner.query(
      `ALTER TABLE bonus_templates ADD CONSTRAINT bonus_templates_kind_check
         CHECK (kind IN ('deposit_match', 'no_deposit', 'free_spins', 'cashback'))`,
    );
    await runner.query(`ALTER TABLE bonus_templates DROP CONSTRAINT bonus_templates_kind_terms`);
    await runner.query(`ALTER TABLE bonus_templates ADD CONSTRAINT bonus_templates_kind_terms CHECK ${KIND_TERMS}`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM bonus_templates WHERE kind = 'cashback'`);
    await runner.query(`ALTER TABLE bonus_templates DROP CONSTRAINT bonus_templates_kind_terms`);
    await runner.query(`ALTER TABLE bonus_templates DROP CONSTRAINT bonus_templates_kind_check`);
    await runner.query(
      `ALTER TABLE bonus_templates ADD CONSTRAINT bonus_templates_kind_check
         CHECK (kind IN ('deposit_match', 'no_deposit', 'free_spins'))`,
    );
    await runner.query(`ALTER TABLE bonus_templates DROP COLUMN cashback_percent, DROP COLUMN period_days`);
  }
}
