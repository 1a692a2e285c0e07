import type { MigrationInterface, QueryRunner } from 'typeorm';

const KIND_TERMS = `(
  (kind = 'deposit_match' AND match_percent IS NOT NULL AND max_bonus IS NOT NULL AND min_deposit IS NOT NULL
     AND amount IS NULL AND spin_count IS NULL)
  OR (kind = 'no_deposit' AND amount IS NOT NULL AND match_percent IS NULL AND max_bonus IS NULL
     AND min_deposit IS NULL AND spin_count IS NULL)
  OR (kind = 'free_spins' AND provider_code IS NOT NULL AND game_code IS NOT NULL AND spin_count IS NOT NULL
     AND spin_value IS NOT NULL AND amount IS NULL AND match_percent IS NULL AND max_bonus IS NULL
     AND min_deposit IS NULL))`;

/**
 * Free spins (docs/bonuses.md "Free spins"): a template kind with the game (provider and game code), the number of
 * spins and the bet value of each; a free-spins bonus starts without money (its winnings become its amount and its
 * wagering), and each grant is a reward at the provider (`free_spin_rewards`, the provider's `reward_uuid`).
 */
export class FreeSpins1764230801100 implements MigrationInterface {
  public name = 'FreeSpins1764230801100';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE bonus_templates
        ADD COLUMN provider_code text,
        ADD COLUMN game_code text CHECK (length(game_code) BETWEEN 1 AND 150),
        ADD COLUMN spin_count integer CHECK (spin_count BETWEEN 1 AND 1000),
        ADD COLUMN spin_value bigint CHECK (spin_value > 0)`);
    await runner.query(`ALTER TABLE bonus_templates DROP CONSTRAINT bonus_templates_kind_check`);
    await runner.query(
      `ALTER TABLE bonus_templates ADD CONSTRAINT bonus_templates_kind_check
         CHECK (kind IN ('deposit_match', 'no_deposit', 'free_spins'))`,
    );
    await runner.query(`ALTER TABLE bonus_templates DROP CONSTRAINT bonus_templates_kind_terms`);
    await runner.query(`ALTER TABLE bonus_templates ADD CONSTRAINT bonus_templates_kind_terms CHECK ${KIND_TERMS}`);
    // A free-spins bonus is active before it holds any money: its amount is what its spins won so far.
    await runner.query(`ALTER TABLE player_bonuses ADD COLUMN free_spins boolean NOT NULL DEFAULT false`);
    await runner.query(`ALTER TABLE player_bonuses DROP CONSTRAINT player_bonuses_amount_check`);
    await runner.query(
      `ALTER TABLE player_bonuses ADD CONSTRAINT player_bonuses_amount_check CHECK (amount > 0 OR (free_spins AND amount = 0))`,
    );
    await runner.query(`ALTER TABLE player_bonuses DROP CONSTRAINT player_bonuses_money_once`);
    await runner.query(`
      ALTER TABLE player_bonuses ADD CONSTRAINT player_bonuses_money_once CHECK
        ((status = 'offered') = (grant_transaction_id IS NULL) OR status IN ('expired', 'canceled') OR free_spins)`);
    await runner.query(`
      CREATE TABLE free_spin_rewards (
        id uuid PRIMARY KEY,
        player_bonus_id uuid NOT NULL UNIQUE REFERENCES player_bonuses (id),
        user_id uuid NOT NULL,
        provider_code text NOT NULL,
        game_code text NOT NULL,
        currency char(3) NOT NULL REFERENCES currencies (code),
        spin_count integer NOT NULL CHECK (spin_count > 0),
        spin_value bigint NOT NULL CHECK (spin_value > 0),
        wagering_multiplier integer NOT NULL CHECK (wagering_multiplier BETWEEN 0 AND 100),
        -- pending: stored, not yet created at the provider (a retry of the grant creates it); issued: it was.
        status text NOT NULL CHECK (status IN ('pending', 'issued')),
        reward_uuid text,
        spins_played integer NOT NULL DEFAULT 0 CHECK (spins_played >= 0),
        winnings bigint NOT NULL DEFAULT 0 CHECK (winnings >= 0),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT free_spin_rewards_issued CHECK ((status = 'issued') = (reward_uuid IS NOT NULL)),
        CONSTRAINT free_spin_rewards_reward_uuid UNIQUE (provider_code, reward_uuid)
      )`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE free_spin_rewards`);
    await runner.query(`DELETE FROM player_bonus_transitions WHERE player_bonus_id IN
      (SELECT id FROM player_bonuses WHERE free_spins)`);
    await runner.query(`DELETE FROM player_bonuses WHERE free_spins`);
    await runner.query(`ALTER TABLE player_bonuses DROP CONSTRAINT player_bonuses_money_once`);
    await runner.query(`
      ALTER TABLE player_bonuses ADD CONSTRAINT player_bonuses_money_once CHECK
        ((status = 'offered') = (grant_transaction_id IS NULL) OR status IN ('expired', 'canceled'))`);
    await runner.query(`ALTER TABLE player_bonuses DROP CONSTRAINT player_bonuses_amount_check`);
    await runner.query(`ALTER TABLE player_bonuses ADD CONSTRAINT player_bonuses_amount_check CHECK (amount > 0)`);
    await runner.query(`ALTER TABLE player_bonuses DROP COLUMN free_spins`);
    await runner.query(`DELETE FROM bonus_templates WHERE kind = 'free_spins'`);
    await runner.query(`ALTER TABLE bonus_templates DROP CONSTRAINT bonus_templates_kind_terms`);
    await runner.query(`
      ALTER TABLE bonus_templates ADD CONSTRAINT bonus_templates_kind_terms CHECK (
        (kind = 'deposit_match' AND match_percent IS NOT NULL AND max_bonus IS NOT NULL AND min_deposit IS NOT NULL
           AND amount IS NULL)
        OR (kind = 'no_deposit' AND amount IS NOT NULL AND match_percent IS NULL AND max_bonus IS NULL
           AND min_deposit IS NULL))`);
    await runner.query(`ALTER TABLE bonus_templates DROP CONSTRAINT bonus_templates_kind_check`);
    await runner.query(
      `ALTER TABLE bonus_templates ADD CONSTRAINT bonus_templates_kind_check CHECK (kind IN ('deposit_match', 'no_deposit'))`,
    );
    await runner.query(`ALTER TABLE bonus_templates
      DROP COLUMN provider_code, DROP COLUMN game_code, DROP COLUMN spin_count, DROP COLUMN spin_value`);
  }
}
