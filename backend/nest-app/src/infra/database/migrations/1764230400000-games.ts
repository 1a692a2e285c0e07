import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The game module: providers (credentials encrypted at rest), the catalog, game sessions, and the
 * seamless-wallet record of every provider transaction (rounds, bets, wins, rollbacks, tombstones).
 * Money itself moves only in the wallet ledger; these tables remember what each provider asked for.
 */
export class Games1764230400000 implements MigrationInterface {
  public name = 'Games1764230400000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await runner.query(`
      CREATE TABLE game_providers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
        name text NOT NULL,
        protocol text NOT NULL CHECK (protocol IN ('hub88', 'actions')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
        api_base_url text,
        currencies text[] NOT NULL DEFAULT '{}',
        credentials_encrypted text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE games (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider_id uuid NOT NULL REFERENCES game_providers (id),
        provider_code text NOT NULL,
        game_code text NOT NULL,
        title text NOT NULL,
        category text NOT NULL,
        rtp numeric(5, 2) CHECK (rtp IS NULL OR (rtp > 0 AND rtp <= 100)),
        volatility text CHECK (volatility IS NULL OR volatility IN ('low', 'medium', 'high', 'very_high')),
        features text[] NOT NULL DEFAULT '{}',
        thumbnail_url text,
        tags text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        blocked_countries text[] NOT NULL DEFAULT '{}',
        demo_available boolean NOT NULL DEFAULT false,
        popularity integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (provider_id, game_code)
      )`);
    // Browsing only ever lists enabled games: partial indexes per sort order, with the filters' columns first.
    await runner.query(`CREATE INDEX games_title_idx ON games (title, id) WHERE enabled`);
    await runner.query(`CREATE INDEX games_popularity_idx ON games (popularity DESC, id) WHERE enabled`);
    await runner.query(`CREATE INDEX games_newest_idx ON games (created_at DESC, id) WHERE enabled`);
    await runner.query(`CREATE INDEX games_provider_title_idx ON games (provider_code, title, id) WHERE enabled`);
    await runner.query(
      `CREATE INDEX games_provider_popularity_idx ON games (provider_code, popularity DESC, id) WHERE enabled`,
    );
    await runner.query(`CREATE INDEX games_category_title_idx ON games (category, title, id) WHERE enabled`);
    await runner.query(
      `CREATE INDEX games_category_popularity_idx ON games (category, popularity DESC, id) WHERE enabled`,
    );
    await runner.query(`CREATE INDEX games_tags_idx ON games USING gin (tags) WHERE enabled`);
    await runner.query(
      `CREATE INDEX games_title_trgm_idx ON games USING gin (lower(title) gin_trgm_ops) WHERE enabled`,
    );
    await this.createSessions(runner);
    await this.createTransactions(runner);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE game_transactions, game_rounds, game_sessions, games, game_providers`);
  }

  private async createSessions(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE game_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash char(64) NOT NULL UNIQUE,
        provider_id uuid NOT NULL REFERENCES game_providers (id),
        game_id uuid NOT NULL REFERENCES games (id),
        user_id uuid,
        mode text NOT NULL CHECK (mode IN ('real', 'demo')),
        platform text NOT NULL CHECK (platform IN ('desktop', 'mobile')),
        language text NOT NULL,
        currency char(3),
        country char(2),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_activity_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        CONSTRAINT game_sessions_real_has_player CHECK (mode = 'demo' OR (user_id IS NOT NULL AND currency IS NOT NULL))
      )`);
    await runner.query(`CREATE INDEX game_sessions_user_idx ON game_sessions (user_id, created_at DESC)`);
  }

  private async createTransactions(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE game_rounds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider_id uuid NOT NULL REFERENCES game_providers (id),
        user_id uuid NOT NULL,
        game_code text NOT NULL,
        provider_round_id text NOT NULL,
        currency char(3) NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        UNIQUE (provider_id, user_id, game_code, provider_round_id)
      )`);
    // One row per provider transaction id: bets, wins and rollbacks, and tombstones (an id a rollback
    // named before any transaction had it, so that the late transaction is refused). The unique key is
    // what decides which of a racing bet and rollback came first.
    await runner.query(`
      CREATE TABLE game_transactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider_id uuid NOT NULL REFERENCES game_providers (id),
        external_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('bet', 'win', 'rollback', 'tombstone')),
        status text NOT NULL CHECK (status IN ('pending', 'applied', 'refused', 'rolling_back', 'rolled_back')),
        failure text,
        fingerprint char(64),
        user_id uuid,
        session_id uuid REFERENCES game_sessions (id),
        round_id uuid REFERENCES game_rounds (id),
        round_closed boolean NOT NULL DEFAULT false,
        game_code text,
        currency char(3),
        amount bigint CHECK (amount IS NULL OR amount >= 0),
        reference_external_id text,
        is_free boolean NOT NULL DEFAULT false,
        is_promo boolean NOT NULL DEFAULT false,
        wallet_transaction_id uuid,
        wallet_command jsonb,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (provider_id, external_id)
      )`);
    await runner.query(
      `CREATE INDEX game_transactions_reference_idx ON game_transactions (provider_id, reference_external_id)
         WHERE reference_external_id IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX game_transactions_round_idx ON game_transactions (round_id) WHERE round_id IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX game_transactions_pending_idx ON game_transactions (updated_at) WHERE status = 'pending'`,
    );
  }
}
