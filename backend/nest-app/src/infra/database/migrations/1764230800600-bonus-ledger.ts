import type { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS_BEFORE = `'player_cash', 'player_bonus', 'player_held', 'game_settlement', 'psp_clearing', 'house_revenue', 'adjustment'`;
const TYPES_BEFORE = `'deposit', 'withdrawal', 'bet', 'win', 'rollback', 'adjustment', 'hold', 'hold_capture', 'hold_release'`;

/**
 * Bonus money in the ledger (docs/bonuses.md, "Bonus cost"): the operator's bonus cost account (`bonus_cost`, one
 * per currency) and the transaction types that move money between it and the players' bonus balances.
 */
export class BonusLedger1764230800600 implements MigrationInterface {
  public name = 'BonusLedger1764230800600';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check,
        ADD CONSTRAINT ledger_accounts_kind_check CHECK (kind IN (${KINDS_BEFORE}, 'bonus_cost'))`);
    // NOT VALID, then VALIDATE: the scan of every transaction does not hold the lock that stops the ledger's writes.
    await runner.query(`
      ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_type_check,
        ADD CONSTRAINT ledger_transactions_type_check CHECK (type IN
          (${TYPES_BEFORE}, 'bonus_grant', 'bonus_convert', 'bonus_forfeit', 'bonus_expire')) NOT VALID`);
    await runner.query(`ALTER TABLE ledger_transactions VALIDATE CONSTRAINT ledger_transactions_type_check`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_type_check,
        ADD CONSTRAINT ledger_transactions_type_check CHECK (type IN (${TYPES_BEFORE}))`);
    await runner.query(`
      ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check,
        ADD CONSTRAINT ledger_accounts_kind_check CHECK (kind IN (${KINDS_BEFORE}))`);
  }
}
