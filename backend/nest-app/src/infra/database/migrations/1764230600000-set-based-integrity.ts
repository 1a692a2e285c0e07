import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The references of the hot path's append-only rows are checked once per statement instead of once per row
 * (ADR 0011, fourth pass). A foreign key checks each inserted row with its own query and takes a KEY SHARE
 * lock on the referenced row, which writes to that row (and to a multixact when many transactions share
 * it, as every game transaction shares its provider); under load that cost more than the inserts themselves.
 * Each statement trigger below refuses the same rows the foreign key refused, with the same SQLSTATE
 * (23503), in one set-based query over the statement's new rows. What the foreign keys also gave, that
 * referenced rows cannot be deleted while referenced, now holds absolutely: wallets, ledger accounts, game
 * providers, game sessions and game rounds are permanent (retired or closed, never deleted).
 */
export class SetBasedIntegrity1764230600000 implements MigrationInterface {
  public name = 'SetBasedIntegrity1764230600000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_transaction_id_fkey,
                                 DROP CONSTRAINT ledger_entries_account_id_currency_fkey`);
    await runner.query(`
      ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_wallet_id_fkey,
                                      DROP CONSTRAINT ledger_transactions_reverses_transaction_id_fkey`);
    await runner.query(`
      ALTER TABLE game_transactions DROP CONSTRAINT game_transactions_session_id_fkey,
                                    DROP CONSTRAINT game_transactions_provider_id_fkey,
                                    DROP CONSTRAINT game_transactions_round_id_fkey`);
    await runner.query(`ALTER TABLE game_rounds DROP CONSTRAINT game_rounds_provider_id_fkey`);
    await this.createLedgerChecks(runner);
    await this.createGameChecks(runner);
    await runner.query(`
      CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% rows are permanent: they are closed or retired, never deleted', TG_TABLE_NAME
          USING ERRCODE = '55000';
      END $$`);
    for (const table of PERMANENT_TABLES) {
      await runner.query(`
        CREATE TRIGGER ${table}_permanent BEFORE DELETE OR TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete()`);
    }
  }

  public async down(runner: QueryRunner): Promise<void> {
    for (const table of PERMANENT_TABLES) await runner.query(`DROP TRIGGER ${table}_permanent ON ${table}`);
    await runner.query(`DROP FUNCTION refuse_delete()`);
    await runner.query(`DROP TRIGGER game_rounds_check_insert ON game_rounds`);
    await runner.query(`DROP TRIGGER game_rounds_check_update ON game_rounds`);
    await runner.query(`DROP TRIGGER game_transactions_check_insert ON game_transactions`);
    await runner.query(`DROP TRIGGER game_transactions_check_update ON game_transactions`);
    await runner.query(`DROP FUNCTION game_rounds_check(), game_transactions_check()`);
    await runner.query(`DROP TRIGGER ledger_transactions_check ON ledger_transactions`);
    await runner.query(`DROP FUNCTION ledger_transactions_check()`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION ledger_entries_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE unbalanced uuid;
      BEGIN
        SELECT transaction_id INTO unbalanced FROM new_entries
          GROUP BY transaction_id, currency HAVING sum(amount) <> 0 LIMIT 1;
        IF unbalanced IS NOT NULL THEN
          RAISE EXCEPTION 'ledger transaction % does not sum to zero', unbalanced USING ERRCODE = '23514';
        END IF;
        UPDATE ledger_accounts a SET balance = a.balance + d.delta
          FROM (SELECT account_id, sum(amount) AS delta FROM new_entries GROUP BY account_id) d
          WHERE a.id = d.account_id;
        RETURN NULL;
      END $$`);
    await runner.query(`
      ALTER TABLE game_rounds ADD CONSTRAINT game_rounds_provider_id_fkey
        FOREIGN KEY (provider_id) REFERENCES game_providers (id)`);
    await runner.query(`
      ALTER TABLE game_transactions
        ADD CONSTRAINT game_transactions_session_id_fkey FOREIGN KEY (session_id) REFERENCES game_sessions (id),
        ADD CONSTRAINT game_transactions_provider_id_fkey FOREIGN KEY (provider_id) REFERENCES game_providers (id),
        ADD CONSTRAINT game_transactions_round_id_fkey FOREIGN KEY (round_id) REFERENCES game_rounds (id)`);
    await runner.query(`
      ALTER TABLE ledger_transactions
        ADD CONSTRAINT ledger_transactions_wallet_id_fkey FOREIGN KEY (wallet_id) REFERENCES wallets (id),
        ADD CONSTRAINT ledger_transactions_reverses_transaction_id_fkey
          FOREIGN KEY (reverses_transaction_id) REFERENCES ledger_transactions (id)`);
    await runner.query(`
      ALTER TABLE ledger_entries
        ADD CONSTRAINT ledger_entries_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES ledger_transactions (id),
        ADD CONSTRAINT ledger_entries_account_id_currency_fkey
          FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)`);
  }

  private async createLedgerChecks(runner: QueryRunner): Promise<void> {
    // Entries: zero-sum per transaction and currency (as before), then their transactions exist, then the
    // balances move; an entry whose account does not exist or holds another currency moves no account,
    // which the row count shows.
    await runner.query(`
      CREATE OR REPLACE FUNCTION ledger_entries_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        unbalanced uuid;
        orphan uuid;
        moved bigint;
        named bigint;
      BEGIN
        SELECT transaction_id INTO unbalanced FROM new_entries
          GROUP BY transaction_id, currency HAVING sum(amount) <> 0 LIMIT 1;
        IF unbalanced IS NOT NULL THEN
          RAISE EXCEPTION 'ledger transaction % does not sum to zero', unbalanced USING ERRCODE = '23514';
        END IF;
        SELECT e.transaction_id INTO orphan FROM new_entries e
         WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = e.transaction_id) LIMIT 1;
        IF orphan IS NOT NULL THEN
          RAISE EXCEPTION 'ledger entry names transaction %, which does not exist', orphan USING ERRCODE = '23503';
        END IF;
        UPDATE ledger_accounts a SET balance = a.balance + d.delta
          FROM (SELECT account_id, currency, sum(amount) AS delta FROM new_entries GROUP BY account_id, currency) d
          WHERE a.id = d.account_id AND a.currency = d.currency;
        GET DIAGNOSTICS moved = ROW_COUNT;
        SELECT count(*) INTO named FROM (SELECT DISTINCT account_id, currency FROM new_entries) n;
        IF moved <> named THEN
          RAISE EXCEPTION 'ledger entry names an account that does not exist or holds another currency'
            USING ERRCODE = '23503';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE FUNCTION ledger_transactions_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE orphan uuid;
      BEGIN
        SELECT t.id INTO orphan FROM new_transactions t
         WHERE NOT EXISTS (SELECT 1 FROM wallets w WHERE w.id = t.wallet_id)
            OR (t.reverses_transaction_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.id = t.reverses_transaction_id))
         LIMIT 1;
        IF orphan IS NOT NULL THEN
          RAISE EXCEPTION 'ledger transaction % names a wallet or a reversed transaction that does not exist', orphan
            USING ERRCODE = '23503';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER ledger_transactions_check AFTER INSERT ON ledger_transactions
        REFERENCING NEW TABLE AS new_transactions FOR EACH STATEMENT EXECUTE FUNCTION ledger_transactions_check()`);
  }

  private async createGameChecks(runner: QueryRunner): Promise<void> {
    // Updates change a game transaction's status and outcome, never what it belongs to: checking that those
    // columns kept their values is enough for updates.
    await runner.query(`
      CREATE FUNCTION game_transactions_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE orphan uuid;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          SELECT n.id INTO orphan FROM new_rows n JOIN old_rows o ON o.id = n.id
           WHERE (n.provider_id, n.session_id, n.round_id) IS DISTINCT FROM (o.provider_id, o.session_id, o.round_id)
           LIMIT 1;
          IF orphan IS NOT NULL THEN
            RAISE EXCEPTION 'game transaction %: provider, session and round are fixed once written', orphan
              USING ERRCODE = '55000';
          END IF;
          RETURN NULL;
        END IF;
        SELECT n.id INTO orphan FROM new_rows n
         WHERE NOT EXISTS (SELECT 1 FROM game_providers p WHERE p.id = n.provider_id)
            OR (n.session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM game_sessions s WHERE s.id = n.session_id))
            OR (n.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM game_rounds r WHERE r.id = n.round_id))
         LIMIT 1;
        IF orphan IS NOT NULL THEN
          RAISE EXCEPTION 'game transaction % names a provider, session or round that does not exist', orphan
            USING ERRCODE = '23503';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER game_transactions_check_insert AFTER INSERT ON game_transactions
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION game_transactions_check()`);
    await runner.query(`
      CREATE TRIGGER game_transactions_check_update AFTER UPDATE ON game_transactions
        REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT
        EXECUTE FUNCTION game_transactions_check()`);
    await runner.query(`
      CREATE FUNCTION game_rounds_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE orphan uuid;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          SELECT n.id INTO orphan FROM new_rows n JOIN old_rows o ON o.id = n.id
           WHERE n.provider_id <> o.provider_id LIMIT 1;
        ELSE
          SELECT n.id INTO orphan FROM new_rows n
           WHERE NOT EXISTS (SELECT 1 FROM game_providers p WHERE p.id = n.provider_id) LIMIT 1;
        END IF;
        IF orphan IS NOT NULL THEN
          RAISE EXCEPTION 'game round % names a provider that does not exist', orphan USING ERRCODE = '23503';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER game_rounds_check_insert AFTER INSERT ON game_rounds
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION game_rounds_check()`);
    await runner.query(`
      CREATE TRIGGER game_rounds_check_update AFTER UPDATE ON game_rounds
        REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT
        EXECUTE FUNCTION game_rounds_check()`);
  }
}

/** Rows other rows name without a foreign key (see above): never deleted. */
const PERMANENT_TABLES = ['wallets', 'ledger_accounts', 'game_providers', 'game_sessions', 'game_rounds'];
