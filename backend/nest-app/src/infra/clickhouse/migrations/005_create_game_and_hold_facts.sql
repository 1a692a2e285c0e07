-- Facts of game sessions, closed rounds and wallet holds, loaded by worker-etl (ADR 0015: each key once).
-- Amounts are Int64 minor units, never Decimal or Float. Times are DateTime (UTC seconds).

-- One row per game.session.opened / game.session.closed event (event_kind). A closed event carries no game code,
-- mode, platform or currency (empty here); a demo session has no user id or currency.
CREATE TABLE IF NOT EXISTS game_sessions
(
    event_id String,
    occurred_at DateTime,
    event_kind String,
    session_id String,
    user_id String,
    game_id String,
    provider String,
    game_code String,
    mode String,
    platform String,
    currency String,
    reason String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(occurred_at)
ORDER BY event_id;

-- One row per closed round (game.round.closed): the stakes and wins that stand, rolled-back ones excluded.
CREATE TABLE IF NOT EXISTS game_rounds
(
    round_id String,
    event_id String,
    opened_at DateTime,
    closed_at DateTime,
    provider String,
    provider_round_id String,
    game_code String,
    user_id String,
    currency FixedString(3),
    total_bet Int64,
    total_win Int64,
    country String,
    brand String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(closed_at)
ORDER BY round_id;

-- One row per wallet.hold.placed / captured / released event (event_kind); provider is the payment provider.
CREATE TABLE IF NOT EXISTS wallet_holds
(
    event_id String,
    occurred_at DateTime,
    event_kind String,
    hold_id String,
    wallet_id String,
    user_id String,
    transaction_id String,
    provider String,
    currency FixedString(3),
    amount Int64,
    country String,
    brand String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(occurred_at)
ORDER BY event_id;
