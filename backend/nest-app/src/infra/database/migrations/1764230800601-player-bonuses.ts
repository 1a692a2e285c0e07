import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Player bonuses (docs/bonuses.md): each one keeps the terms it was granted under (copied from its template: never
 * changed after acceptance) and its wagering progress; every status change is a row of the transitions log; every
 * settled bet that counted towards wagering is a row of `player_bonus_wagers` (so a rollback takes back exactly what
 * it added, and a retried bet, which moves no money, adds nothing).
 */
export class PlayerBonuses1764230800601 implements MigrationInterface {
  public name = 'PlayerBonuses1764230800601';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE player_bonuses (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        template_id uuid NOT NULL REFERENCES bonus_templates (id),
        -- Who asked for it, once: staff:<actor>:<Idempotency-Key>, later deposit:<payment intent>.
        grant_key text NOT NULL UNIQUE,
        currency char(3) NOT NULL REFERENCES currencies (code),
        status text NOT NULL CHECK (status IN
          ('offered', 'active', 'wagering_complete', 'converted', 'expired', 'forfeited', 'canceled')),
        amount bigint NOT NULL CHECK (amount > 0),
        wagering_required bigint NOT NULL CHECK (wagering_required >= 0),
        wagering_done bigint NOT NULL DEFAULT 0 CHECK (wagering_done >= 0),
        game_weights jsonb NOT NULL,
        default_weight integer NOT NULL CHECK (default_weight BETWEEN 0 AND 100),
        max_bet bigint NOT NULL CHECK (max_bet > 0),
        max_conversion bigint CHECK (max_conversion > 0),
        expires_at timestamptz NOT NULL,
        granted_by uuid,
        reason text,
        grant_transaction_id uuid,
        end_transaction_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT player_bonuses_money_once CHECK
          ((status = 'offered') = (grant_transaction_id IS NULL) OR status IN ('expired', 'canceled'))
      )`);
    // At most one active bonus per player: the bet path's one indexed look-up.
    await runner.query(
      `CREATE UNIQUE INDEX player_bonuses_one_active_idx ON player_bonuses (user_id) WHERE status = 'active'`,
    );
    await runner.query(`CREATE INDEX player_bonuses_user_idx ON player_bonuses (user_id, created_at DESC)`);
    await runner.query(`
      CREATE TABLE player_bonus_transitions (
        id bigserial PRIMARY KEY,
        player_bonus_id uuid NOT NULL REFERENCES player_bonuses (id),
        from_status text,
        to_status text NOT NULL,
        cause text NOT NULL,
        actor_id uuid,
        ledger_transaction_id uuid,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX player_bonus_transitions_bonus_idx ON player_bonus_transitions (player_bonus_id, id)`,
    );
    await runner.query(`
      CREATE TABLE player_bonus_wagers (
        bet_transaction_id uuid PRIMARY KEY,
        player_bonus_id uuid NOT NULL REFERENCES player_bonuses (id),
        stake bigint NOT NULL CHECK (stake >= 0),
        contribution bigint NOT NULL CHECK (contribution >= 0),
        counted boolean NOT NULL,
        reversed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX player_bonus_wagers_bonus_idx ON player_bonus_wagers (player_bonus_id)`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE player_bonus_wagers`);
    await runner.query(`DROP TABLE player_bonus_transitions`);
    await runner.query(`DROP TABLE player_bonuses`);
  }
}
