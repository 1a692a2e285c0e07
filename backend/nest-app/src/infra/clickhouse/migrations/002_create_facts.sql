-- Facts loaded by worker-etl from domain events (and rebuilt from PostgreSQL by etl:backfill).
-- Amounts are Int64 minor units, never Decimal or Float. Times are DateTime (UTC seconds).
-- Fact tables are ReplacingMergeTree ordered by event_id: a duplicate row can only ever be a copy, but the loader
-- removes duplicates before insert (ADR 0015) because the rollups of 003 are fed by materialized views.

CREATE TABLE IF NOT EXISTS players
(
    user_id String,
    registered_at DateTime,
    country String,
    currency String,
    brand String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY user_id;

CREATE TABLE IF NOT EXISTS games
(
    provider String,
    game_code String,
    category String,
    title String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (provider, game_code);

-- One row per completed wallet transaction. cash_amount, bonus_amount and held_amount are the signed change of
-- the player's cash, bonus and held balances (a bet is negative). For a rollback, reverses_type names the type of
-- the transaction it reverses (bet or win). provider/game_code/round_id come from a game transaction's reference;
-- provider is the payment provider for deposits and withdrawals.
CREATE TABLE IF NOT EXISTS wallet_transactions
(
    event_id String,
    occurred_at DateTime,
    transaction_id String,
    transaction_type String,
    reverses_type String,
    user_id String,
    wallet_id String,
    currency FixedString(3),
    cash_amount Int64,
    bonus_amount Int64,
    held_amount Int64,
    provider String,
    game_code String,
    round_id String,
    idempotency_scope String,
    country String,
    brand String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(occurred_at)
ORDER BY event_id;

-- One row per payment intent event (status changes included); measures use the terminal ones.
CREATE TABLE IF NOT EXISTS payment_events
(
    event_id String,
    occurred_at DateTime,
    event_type String,
    intent_id String,
    user_id String,
    kind String,
    provider String,
    method String,
    status String,
    currency FixedString(3),
    amount Int64,
    country String,
    brand String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(occurred_at)
ORDER BY event_id;
