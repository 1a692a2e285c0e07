import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { sqlStateOf } from '../src/infra/database/prepared-statement';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import { expectInvariants, QUIET_WALLET_SETTINGS, walletKit, type WalletKit } from './wallet-test-kit';

/**
 * The references the foreign keys used to check, now checked once per statement by triggers (migration
 * SetBasedIntegrity1764230600000, ADR 0011): the same rows are refused with the same SQLSTATE, and rows that
 * others name cannot be deleted. Each refused statement must leave every balance as it was.
 */
describe('set-based reference checks (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;
  let db: DataSource;

  beforeAll(async () => {
    environment = await createTestEnvironment('dbintegrity', QUIET_WALLET_SETTINGS);
    app = await startTestApp(environment.config);
    kit = walletKit(app);
    db = kit.dataSource;
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  afterEach(async () => {
    await expectInvariants(kit);
  });

  async function sqlState(statement: string, parameters: unknown[] = []): Promise<string | undefined> {
    try {
      await db.query(statement, parameters);
      return undefined;
    } catch (error) {
      return sqlStateOf(error) ?? 'no sqlstate';
    }
  }

  async function accountsOf(walletId: string): Promise<{ id: string; balance: string }[]> {
    return (await db.query(
      `SELECT id, balance::text AS balance FROM ledger_accounts WHERE wallet_id = $1 ORDER BY kind`,
      [walletId],
    )) as { id: string; balance: string }[];
  }

  async function cashAccount(walletId: string): Promise<string> {
    const rows = (await db.query(`SELECT id FROM ledger_accounts WHERE wallet_id = $1 AND kind = 'player_cash'`, [
      walletId,
    ])) as { id: string }[];
    return rows[0]?.id ?? '';
  }

  /** One transaction with its entries and its outbox event, in one statement as the ledger writes them. */
  function postTransaction(
    walletId: string,
    entries: { accountId: string; currency: string; amount: bigint }[],
    options: { reverses?: string } = {},
  ): Promise<string | undefined> {
    const id = randomUUID();
    return sqlState(
      `WITH tx AS (
         INSERT INTO ledger_transactions (id, wallet_id, type, currency, amount, idempotency_scope, idempotency_key,
                                          request_hash, reverses_transaction_id, event_id, result)
         VALUES ($1, $2, 'adjustment', 'EUR', 1, 'integrity-test', $7, repeat('0', 64), $3::uuid, gen_random_uuid(), '{}')
         RETURNING id, event_id),
       event AS (
         INSERT INTO outbox_events (id, stream, event_type, aggregate_id, envelope)
         SELECT event_id, 'wallet', 'wallet.transaction.completed', $2::text, '{}' FROM tx)
       INSERT INTO ledger_entries (transaction_id, account_id, currency, amount)
       SELECT tx.id, e.account_id, e.currency, e.amount
         FROM tx, unnest($4::uuid[], $5::char(3)[], $6::bigint[]) AS e(account_id, currency, amount)`,
      [
        id,
        walletId,
        options.reverses ?? null,
        entries.map((entry) => entry.accountId),
        entries.map((entry) => entry.currency),
        entries.map((entry) => entry.amount.toString()),
        id,
      ],
    );
  }

  it('refuses ledger entries on an account that does not exist, changing no balance', async () => {
    const { walletId } = await kit.funded(1000n);
    const before = await accountsOf(walletId);
    const cash = await cashAccount(walletId);
    const state = await postTransaction(walletId, [
      { accountId: cash, currency: 'EUR', amount: 5n },
      { accountId: randomUUID(), currency: 'EUR', amount: -5n },
    ]);
    expect(state).toBe('23503');
    expect(await accountsOf(walletId)).toEqual(before);
  });

  it('refuses ledger entries in another currency than their account holds', async () => {
    const { walletId } = await kit.funded(1000n);
    const { walletId: usdWallet } = await kit.funded(1000n, 'USD');
    const before = await accountsOf(walletId);
    const state = await postTransaction(walletId, [
      { accountId: await cashAccount(walletId), currency: 'USD', amount: 5n },
      { accountId: await cashAccount(usdWallet), currency: 'USD', amount: -5n },
    ]);
    expect(state).toBe('23503');
    expect(await accountsOf(walletId)).toEqual(before);
  });

  it('accepts a balanced transaction on existing accounts (the checks pass what they should)', async () => {
    const { walletId } = await kit.funded(1000n);
    const { walletId: other } = await kit.funded(1000n);
    const state = await postTransaction(walletId, [
      { accountId: await cashAccount(walletId), currency: 'EUR', amount: 5n },
      { accountId: await cashAccount(other), currency: 'EUR', amount: -5n },
    ]);
    expect(state).toBeUndefined();
    expect((await accountsOf(walletId)).map((account) => account.balance)).toContain('1005');
  });

  it('refuses entries whose transaction does not exist', async () => {
    const { walletId } = await kit.funded(1000n);
    const cash = await cashAccount(walletId);
    const state = await sqlState(
      `INSERT INTO ledger_entries (transaction_id, account_id, currency, amount)
       VALUES ($1, $2, 'EUR', 5), ($1, $2, 'EUR', -5)`,
      [randomUUID(), cash],
    );
    expect(state).toBe('23503');
  });

  it('refuses a ledger transaction naming a wallet or a reversed transaction that does not exist', async () => {
    const { walletId } = await kit.funded(1000n);
    const cash = await cashAccount(walletId);
    const balanced = [
      { accountId: cash, currency: 'EUR', amount: 5n },
      { accountId: cash, currency: 'EUR', amount: -5n },
    ];
    expect(await postTransaction(randomUUID(), balanced)).toBe('23503');
    expect(await postTransaction(walletId, balanced, { reverses: randomUUID() })).toBe('23503');
  });

  it('refuses game transactions and rounds naming a provider, session or round that does not exist', async () => {
    const provider = await newProvider();
    const userId = randomUUID();
    const insertRow = (overrides: {
      provider?: string;
      session?: string;
      round?: string;
    }): Promise<string | undefined> =>
      sqlState(
        `INSERT INTO game_transactions (provider_id, external_id, kind, status, session_id, round_id)
         VALUES ($1, $2, 'bet', 'pending', $3, $4)`,
        [overrides.provider ?? provider, randomUUID(), overrides.session ?? null, overrides.round ?? null],
      );
    expect(await insertRow({})).toBeUndefined();
    expect(await insertRow({ provider: randomUUID() })).toBe('23503');
    expect(await insertRow({ session: randomUUID() })).toBe('23503');
    expect(await insertRow({ round: randomUUID() })).toBe('23503');
    expect(
      await sqlState(
        `INSERT INTO game_rounds (provider_id, user_id, game_code, provider_round_id, currency)
         VALUES ($1, $2, 'slot', 'r-1', 'EUR')`,
        [randomUUID(), userId],
      ),
    ).toBe('23503');
  });

  it('keeps the provider, session and round of a game transaction fixed, and its status changeable', async () => {
    const provider = await newProvider();
    const [round] = (await db.query(
      `INSERT INTO game_rounds (provider_id, user_id, game_code, provider_round_id, currency)
       VALUES ($1, $2, 'slot', 'r-2', 'EUR') RETURNING id`,
      [provider, randomUUID()],
    )) as { id: string }[];
    const [row] = (await db.query(
      `INSERT INTO game_transactions (provider_id, external_id, kind, status, round_id)
       VALUES ($1, $2, 'bet', 'pending', $3) RETURNING id`,
      [provider, randomUUID(), round?.id],
    )) as { id: string }[];
    expect(await sqlState(`UPDATE game_transactions SET status = 'applied' WHERE id = $1`, [row?.id])).toBeUndefined();
    expect(await sqlState(`UPDATE game_transactions SET round_id = NULL WHERE id = $1`, [row?.id])).toBe('55000');
    expect(await sqlState(`UPDATE game_rounds SET provider_id = $2 WHERE id = $1`, [round?.id, randomUUID()])).toBe(
      '23503',
    );
  });

  it('never deletes wallets, ledger accounts, game providers, sessions or rounds', async () => {
    const { walletId } = await kit.funded(1000n);
    const provider = await newProvider();
    for (const [table, id] of [
      ['ledger_accounts', await cashAccount(walletId)],
      ['wallets', walletId],
      ['game_providers', provider],
    ] as const) {
      expect(await sqlState(`DELETE FROM ${table} WHERE id = $1`, [id])).toBe('55000');
    }
    for (const table of ['game_sessions', 'game_rounds', 'wallets']) {
      expect(await sqlState(`TRUNCATE ${table} CASCADE`)).toBe('55000');
    }
    expect((await accountsOf(walletId)).length).toBe(3);
  });

  /**
   * Migration KeyedIntegrityChecks1764230640000: the checks once hashed or scanned the whole referenced table for
   * every statement (ledger accounts, wallets, ledger transactions, rounds), a cost growing with the table. Here a
   * batch of 40 transfers among 3,000 wallets' accounts, with 3,000 transactions and rounds already written, must
   * find what it references by key: no sequential scan of a referenced table in the statement's transaction.
   */
  it('checks a batch against its references by key, without scanning the referenced tables', async () => {
    const provider = await newProvider();
    await db.query(
      `WITH w AS (
         INSERT INTO wallets (user_id, currency) SELECT gen_random_uuid(), 'EUR' FROM generate_series(1, 3000)
         RETURNING id, currency)
       INSERT INTO ledger_accounts (code, kind, currency, wallet_id)
       SELECT 'wallet:' || w.id || ':' || kind, 'player_' || kind, w.currency, w.id
         FROM w, unnest(ARRAY['cash', 'bonus', 'held']) AS kind`,
    );
    const accounts = (await db.query(
      `SELECT a.id, a.wallet_id FROM ledger_accounts a
        WHERE a.kind = 'player_cash' AND a.currency = 'EUR' ORDER BY a.id LIMIT 3000`,
    )) as { id: string; wallet_id: string }[];
    const transfers = (runner: Pick<DataSource, 'query'>, count: number, from: number): Promise<unknown> =>
      runner.query(
        `WITH pairs AS (
           SELECT gen_random_uuid() AS id, gen_random_uuid() AS event_id, p.wallet_id, p.source, p.target
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS p(wallet_id, source, target)),
         tx AS (
           INSERT INTO ledger_transactions (id, wallet_id, type, currency, amount, idempotency_scope, idempotency_key,
                                            request_hash, event_id, result)
           SELECT id, wallet_id, 'adjustment', 'EUR', 1, 'integrity-probe', id::text, repeat('0', 64), event_id, '{}'
             FROM pairs RETURNING id),
         events AS (
           INSERT INTO outbox_events (id, stream, event_type, aggregate_id, envelope)
           SELECT event_id, 'wallet', 'wallet.transaction.completed', wallet_id::text, '{}' FROM pairs)
         INSERT INTO ledger_entries (transaction_id, account_id, currency, amount)
         SELECT p.id, e.account_id, 'EUR', e.amount
           FROM pairs p JOIN tx ON tx.id = p.id,
                LATERAL (VALUES (p.source, 1::bigint), (p.target, -1::bigint)) AS e(account_id, amount)`,
        [
          Array.from({ length: count }, (_, i) => accounts[(from + i) % accounts.length]?.wallet_id),
          Array.from({ length: count }, (_, i) => accounts[(from + i) % accounts.length]?.id),
          // A ring: each account gains and loses one (players' accounts never go below zero).
          Array.from({ length: count }, (_, i) => accounts[(from + ((i + 1) % count)) % accounts.length]?.id),
        ],
      );
    await transfers(db, 3000, 0);
    const rounds = (await db.query(
      `INSERT INTO game_rounds (provider_id, user_id, game_code, provider_round_id, currency)
       SELECT $1, gen_random_uuid(), 'slot', 'probe-' || n, 'EUR' FROM generate_series(1, 3000) AS n RETURNING id`,
      [provider],
    )) as { id: string }[];
    await db.query(`ANALYZE wallets, ledger_accounts, ledger_transactions, game_rounds`);

    const scans = await db.transaction(async (manager) => {
      // The session's scan counts not yet reported (PostgreSQL 15: they include earlier transactions' until
      // reported, hence the difference).
      const counts = async (): Promise<{ relname: string; seq_scan: number; idx_scan: number }[]> =>
        (await manager.query(
          `SELECT relname, seq_scan::int AS seq_scan, idx_scan::int AS idx_scan FROM pg_stat_xact_user_tables
            WHERE relname IN ('wallets', 'ledger_accounts', 'ledger_transactions', 'game_rounds') ORDER BY relname`,
        )) as { relname: string; seq_scan: number; idx_scan: number }[];
      const before = await counts();
      await transfers(manager, 40, 100);
      await manager.query(
        `INSERT INTO game_transactions (provider_id, external_id, kind, status, round_id)
         SELECT $1, gen_random_uuid()::text, 'bet', 'pending', r.id FROM unnest($2::uuid[]) AS r(id)`,
        [provider, rounds.slice(0, 40).map((round) => round.id)],
      );
      return (await counts()).map((table, index) => ({
        relname: table.relname,
        seq_scan: table.seq_scan - (before[index]?.seq_scan ?? 0),
        idx_scan: table.idx_scan - (before[index]?.idx_scan ?? 0),
      }));
    });
    expect(scans.map((table) => [table.relname, table.seq_scan])).toEqual([
      ['game_rounds', 0],
      ['ledger_accounts', 0],
      ['ledger_transactions', 0],
      ['wallets', 0],
    ]);
    expect(scans.every((table) => table.idx_scan > 0)).toBe(true);
  });

  async function newProvider(): Promise<string> {
    const [row] = (await db.query(
      `INSERT INTO game_providers (code, name, protocol) VALUES ($1, 'Integrity test', 'hub88') RETURNING id`,
      [`it-${randomUUID().slice(0, 8)}`],
    )) as { id: string }[];
    return row?.id ?? '';
  }
});
