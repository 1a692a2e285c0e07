import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The double-entry ledger behind the wallets (ADR 0010).
 * - Entries are append-only; a statement-level trigger applies each INSERT's entries to the stored
 *   account balances and refuses the statement unless every transaction's entries sum to zero per currency.
 * - Player accounts (cash, bonus, held) can never go below zero (CHECK).
 * - ledger_transactions keeps every idempotency key forever (≥ 4 months is the requirement).
 */
export class WalletLedger1764230200000 implements MigrationInterface {
  public name = 'WalletLedger1764230200000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE currencies (
        code char(3) PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
        minor_digits smallint NOT NULL CHECK (minor_digits BETWEEN 0 AND 4)
      )`);
    await runner.query(`
      INSERT INTO currencies (code, minor_digits) VALUES
        ('EUR', 2), ('USD', 2), ('GBP', 2), ('CAD', 2), ('AUD', 2), ('SEK', 2), ('NOK', 2), ('DKK', 2),
        ('PLN', 2), ('BRL', 2), ('CHF', 2), ('JPY', 0), ('KRW', 0), ('CLP', 0), ('KWD', 3), ('BHD', 3), ('TND', 3)`);
    await runner.query(`
      CREATE TABLE wallets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        currency char(3) NOT NULL REFERENCES currencies (code),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, currency)
      )`);
    await runner.query(`
      CREATE TABLE ledger_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN
          ('player_cash', 'player_bonus', 'player_held', 'game_settlement', 'psp_clearing', 'house_revenue', 'adjustment')),
        currency char(3) NOT NULL REFERENCES currencies (code),
        wallet_id uuid REFERENCES wallets (id),
        balance bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, currency),
        CONSTRAINT ledger_accounts_player_has_wallet CHECK ((wallet_id IS NOT NULL) = (kind LIKE 'player\\_%')),
        CONSTRAINT ledger_accounts_player_not_negative CHECK (kind NOT LIKE 'player\\_%' OR balance >= 0)
      )`);
    await runner.query(`CREATE UNIQUE INDEX ledger_accounts_wallet_kind_idx ON ledger_accounts (wallet_id, kind)`);
    await runner.query(`
      CREATE TABLE ledger_transactions (
        id uuid PRIMARY KEY,
        wallet_id uuid NOT NULL REFERENCES wallets (id),
        type text NOT NULL CHECK (type IN
          ('deposit', 'withdrawal', 'bet', 'win', 'rollback', 'adjustment', 'hold', 'hold_capture', 'hold_release')),
        -- No foreign key to currencies here: every ledger write would share-lock the currency row.
        -- Entries reference (account, currency), which pins each entry's currency to its account's.
        currency char(3) NOT NULL,
        amount bigint NOT NULL,
        idempotency_scope text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash char(64) NOT NULL,
        reverses_transaction_id uuid REFERENCES ledger_transactions (id),
        hold_id uuid,
        event_id uuid NOT NULL,
        result jsonb NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_transactions_idempotency_key UNIQUE (idempotency_scope, idempotency_key)
      )`);
    // A bet or win is rolled back at most once (partial: most transactions reverse nothing).
    await runner.query(
      `CREATE UNIQUE INDEX ledger_transactions_reverses_idx ON ledger_transactions (reverses_transaction_id)
         WHERE reverses_transaction_id IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX ledger_transactions_wallet_idx ON ledger_transactions (wallet_id, created_at DESC, id DESC)`,
    );
    await runner.query(`
      CREATE TABLE ledger_entries (
        id bigserial PRIMARY KEY,
        transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
        account_id uuid NOT NULL,
        currency char(3) NOT NULL,
        amount bigint NOT NULL CHECK (amount <> 0),
        FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)
      )`);
    await runner.query(`CREATE INDEX ledger_entries_transaction_idx ON ledger_entries (transaction_id)`);
    await runner.query(`CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id)`);
    await runner.query(`
      CREATE TABLE wallet_holds (
        id uuid PRIMARY KEY,
        wallet_id uuid NOT NULL REFERENCES wallets (id),
        currency char(3) NOT NULL REFERENCES currencies (code),
        amount bigint NOT NULL CHECK (amount > 0),
        provider text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'captured', 'released')),
        hold_transaction_id uuid NOT NULL UNIQUE REFERENCES ledger_transactions (id),
        resolution_transaction_id uuid UNIQUE REFERENCES ledger_transactions (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        CONSTRAINT wallet_holds_resolved_once CHECK ((status = 'pending') = (resolution_transaction_id IS NULL))
      )`);
    await runner.query(`CREATE INDEX wallet_holds_pending_idx ON wallet_holds (wallet_id) WHERE status = 'pending'`);
    // The outbox relay claims one aggregate's pending rows in order; without this it would walk its published ones too.
    await runner.query(
      `CREATE INDEX outbox_events_pending_aggregate_idx ON outbox_events (aggregate_id, position) WHERE published_at IS NULL`,
    );
    await this.createTriggers(runner);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX outbox_events_pending_aggregate_idx`);
    await runner.query(
      `DROP TABLE wallet_holds, ledger_entries, ledger_transactions, ledger_accounts, wallets, currencies`,
    );
    await runner.query(`DROP FUNCTION ledger_entries_apply(), ledger_refuse_change()`);
  }

  private async createTriggers(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION ledger_entries_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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
      CREATE TRIGGER ledger_entries_apply AFTER INSERT ON ledger_entries
        REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_apply()`);
    await runner.query(`
      CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '55000';
      END $$`);
    for (const table of ['ledger_entries', 'ledger_transactions']) {
      await runner.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    }
  }
}
