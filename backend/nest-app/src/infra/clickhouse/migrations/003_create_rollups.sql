-- Rollups in 15-minute buckets (UTC): every IANA zone's offset is a multiple of 15 minutes, so a day, week, month or
-- quarter in any requested time zone is a whole number of buckets. Summing rollups are fed by materialized views and
-- therefore count whatever reaches the fact table: the loader inserts each event once (ADR 0015). Distinct-player and
-- first-deposit rollups are idempotent by construction (uniqExact and min states).

CREATE TABLE IF NOT EXISTS gaming_15m
(
    bucket DateTime,
    currency FixedString(3),
    provider String,
    game_code String,
    country String,
    brand String,
    bets_count Int64,
    stake_cash Int64,
    stake_bonus Int64,
    wins_count Int64,
    win_cash Int64,
    win_bonus Int64,
    rollbacks_count Int64,
    rolled_back_stake_cash Int64,
    rolled_back_stake_bonus Int64,
    rolled_back_win_cash Int64,
    rolled_back_win_bonus Int64
)
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, currency, provider, game_code, country, brand);

CREATE MATERIALIZED VIEW IF NOT EXISTS gaming_15m_mv TO gaming_15m AS
SELECT
    toStartOfFifteenMinutes(occurred_at) AS bucket,
    currency,
    provider,
    game_code,
    country,
    brand,
    toInt64(transaction_type = 'bet') AS bets_count,
    if(transaction_type = 'bet', -cash_amount, 0) AS stake_cash,
    if(transaction_type = 'bet', -bonus_amount, 0) AS stake_bonus,
    toInt64(transaction_type = 'win') AS wins_count,
    if(transaction_type = 'win', cash_amount, 0) AS win_cash,
    if(transaction_type = 'win', bonus_amount, 0) AS win_bonus,
    toInt64(transaction_type = 'rollback') AS rollbacks_count,
    if(transaction_type = 'rollback' AND reverses_type = 'bet', cash_amount, 0) AS rolled_back_stake_cash,
    if(transaction_type = 'rollback' AND reverses_type = 'bet', bonus_amount, 0) AS rolled_back_stake_bonus,
    if(transaction_type = 'rollback' AND reverses_type = 'win', -cash_amount, 0) AS rolled_back_win_cash,
    if(transaction_type = 'rollback' AND reverses_type = 'win', -bonus_amount, 0) AS rolled_back_win_bonus
FROM wallet_transactions
WHERE transaction_type IN ('bet', 'win', 'rollback');

-- Every other money movement (deposits, withdrawals and their holds, refunds, adjustments, bonus movements).
CREATE TABLE IF NOT EXISTS money_15m
(
    bucket DateTime,
    currency FixedString(3),
    transaction_type String,
    provider String,
    country String,
    brand String,
    transactions_count Int64,
    cash_amount Int64,
    bonus_amount Int64,
    held_amount Int64
)
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, currency, transaction_type, provider, country, brand);

CREATE MATERIALIZED VIEW IF NOT EXISTS money_15m_mv TO money_15m AS
SELECT
    toStartOfFifteenMinutes(occurred_at) AS bucket,
    currency,
    transaction_type,
    provider,
    country,
    brand,
    toInt64(1) AS transactions_count,
    cash_amount,
    bonus_amount,
    held_amount
FROM wallet_transactions
WHERE transaction_type NOT IN ('bet', 'win', 'rollback');

-- Distinct players per bucket and activity ('bet' or 'deposit'); merging states across buckets stays exact.
CREATE TABLE IF NOT EXISTS player_activity_15m
(
    bucket DateTime,
    currency FixedString(3),
    activity String,
    provider String,
    game_code String,
    country String,
    brand String,
    players AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, currency, activity, provider, game_code, country, brand);

CREATE MATERIALIZED VIEW IF NOT EXISTS player_activity_15m_mv TO player_activity_15m AS
SELECT
    toStartOfFifteenMinutes(occurred_at) AS bucket,
    currency,
    if(transaction_type = 'bet', 'bet', 'deposit') AS activity,
    provider,
    game_code,
    country,
    brand,
    uniqExactState(user_id) AS players
FROM wallet_transactions
WHERE transaction_type IN ('bet', 'deposit')
GROUP BY bucket, currency, activity, provider, game_code, country, brand;

-- Each player's first deposit per currency (its time and amount): min/argMin states are idempotent.
CREATE TABLE IF NOT EXISTS first_deposits
(
    user_id String,
    currency FixedString(3),
    country String,
    brand String,
    first_at AggregateFunction(min, DateTime),
    first_amount AggregateFunction(argMin, Int64, DateTime)
)
ENGINE = AggregatingMergeTree()
ORDER BY (user_id, currency, country, brand);

CREATE MATERIALIZED VIEW IF NOT EXISTS first_deposits_mv TO first_deposits AS
SELECT
    user_id,
    currency,
    country,
    brand,
    minState(occurred_at) AS first_at,
    argMinState(cash_amount, occurred_at) AS first_amount
FROM wallet_transactions
WHERE transaction_type = 'deposit'
GROUP BY user_id, currency, country, brand;
