import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statement-level reference checks of `SetBasedIntegrity1764230600000` probe the referenced tables by key
 * (ADR 0011, sixth pass). Written as `NOT EXISTS` over the statement's new rows, PostgreSQL planned them as a hash
 * of the whole referenced table (a hashed subplan or a hash anti join): cheap while a table is small, but one
 * more full scan per statement, growing with the table — `ledger_transactions` grows with every bet — and the
 * balance update scanned every ledger account for each batch. Now each check collects the keys its new rows
 * name, counts the referenced rows found by `= ANY(keys)` and looks for the culprit only when a count falls short,
 * to name it in the same error as before (same SQLSTATE). The functions run with `enable_seqscan = off`: PostgreSQL
 * prices a few dozen index probes above a scan of a few thousand rows, which on these tables (updated all the time,
 * their pages full of dead versions between vacuums) costs several times what it estimates; a check probes by key.
 */
export class KeyedIntegrityChecks1764230640000 implements MigrationInterface {
  public name = 'KeyedIntegrityChecks1764230640000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE OR REPLACE FUNCTION ledger_entries_apply() RETURNS trigger LANGUAGE plpgsql
      SET enable_seqscan = off AS $$
      DECLARE
        unbalanced uuid;
        orphan uuid;
        transaction_ids uuid[];
        account_ids uuid[];
        moved bigint;
        named bigint;
      BEGIN
        SELECT transaction_id INTO unbalanced FROM new_entries
          GROUP BY transaction_id, currency HAVING sum(amount) <> 0 LIMIT 1;
        IF unbalanced IS NOT NULL THEN
          RAISE EXCEPTION 'ledger transaction % does not sum to zero', unbalanced USING ERRCODE = '23514';
        END IF;
        SELECT array_agg(DISTINCT transaction_id), array_agg(DISTINCT account_id)
          INTO transaction_ids, account_ids FROM new_entries;
        IF (SELECT count(*) FROM ledger_transactions WHERE id = ANY(transaction_ids))
           <> coalesce(cardinality(transaction_ids), 0) THEN
          SELECT e.id INTO orphan FROM unnest(transaction_ids) AS e(id)
           WHERE e.id IS NULL OR NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = e.id) LIMIT 1;
          RAISE EXCEPTION 'ledger entry names transaction %, which does not exist', orphan USING ERRCODE = '23503';
        END IF;
        UPDATE ledger_accounts a SET balance = a.balance + d.delta
          FROM (SELECT account_id, currency, sum(amount) AS delta FROM new_entries GROUP BY account_id, currency) d
         WHERE a.id = ANY(account_ids) AND a.id = d.account_id AND a.currency = d.currency;
        GET DIAGNOSTICS moved = ROW_COUNT;
        SELECT count(*) INTO named FROM (SELECT DISTINCT account_id, currency FROM new_entries) n;
        IF moved <> named THEN
          RAISE EXCEPTION 'ledger entry names an account that does not exist or holds another currency'
            USING ERRCODE = '23503';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION ledger_transactions_check() RETURNS trigger LANGUAGE plpgsql
      SET enable_seqscan = off AS $$
      DECLARE
        orphan uuid;
        wallet_ids uuid[];
        reversed_ids uuid[];
      BEGIN
        SELECT array_agg(DISTINCT wallet_id),
               array_agg(DISTINCT reverses_transaction_id) FILTER (WHERE reverses_transaction_id IS NOT NULL)
          INTO wallet_ids, reversed_ids FROM new_transactions;
        IF (SELECT count(*) FROM wallets WHERE id = ANY(wallet_ids)) <> coalesce(cardinality(wallet_ids), 0)
           OR (SELECT count(*) FROM ledger_transactions WHERE id = ANY(reversed_ids))
              <> coalesce(cardinality(reversed_ids), 0) THEN
          SELECT t.id INTO orphan FROM new_transactions t
           WHERE NOT EXISTS (SELECT 1 FROM wallets w WHERE w.id = t.wallet_id)
              OR (t.reverses_transaction_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.id = t.reverses_transaction_id))
           LIMIT 1;
          RAISE EXCEPTION 'ledger transaction % names a wallet or a reversed transaction that does not exist', orphan
            USING ERRCODE = '23503';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION game_transactions_check() RETURNS trigger LANGUAGE plpgsql
      SET enable_seqscan = off AS $$
      DECLARE
        orphan uuid;
        provider_ids uuid[];
        session_ids uuid[];
        round_ids uuid[];
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
        SELECT array_agg(DISTINCT provider_id),
               array_agg(DISTINCT session_id) FILTER (WHERE session_id IS NOT NULL),
               array_agg(DISTINCT round_id) FILTER (WHERE round_id IS NOT NULL)
          INTO provider_ids, session_ids, round_ids FROM new_rows;
        IF (SELECT count(*) FROM game_providers WHERE id = ANY(provider_ids)) <> coalesce(cardinality(provider_ids), 0)
           OR (SELECT count(*) FROM game_sessions WHERE id = ANY(session_ids)) <> coalesce(cardinality(session_ids), 0)
           OR (SELECT count(*) FROM game_rounds WHERE id = ANY(round_ids)) <> coalesce(cardinality(round_ids), 0) THEN
          SELECT n.id INTO orphan FROM new_rows n
           WHERE NOT EXISTS (SELECT 1 FROM game_providers p WHERE p.id = n.provider_id)
              OR (n.session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM game_sessions s WHERE s.id = n.session_id))
              OR (n.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM game_rounds r WHERE r.id = n.round_id))
           LIMIT 1;
          RAISE EXCEPTION 'game transaction % names a provider, session or round that does not exist', orphan
            USING ERRCODE = '23503';
        END IF;
        RETURN NULL;
      END $$`);
  }

  /** The checks as `SetBasedIntegrity1764230600000` wrote them. */
  public async down(runner: QueryRunner): Promise<void> {
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
      CREATE OR REPLACE FUNCTION ledger_transactions_check() RETURNS trigger LANGUAGE plpgsql AS $$
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
      CREATE OR REPLACE FUNCTION game_transactions_check() RETURNS trigger LANGUAGE plpgsql AS $$
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
  }
}
