-- etl-load-lock: wallet_transactions
-- The gaming rollups' views sum each inserted block by the rollup's key before writing it (GROUP BY), instead of
-- writing one rollup row per fact: the same sums (a SummingMergeTree adds rows of one key up anyway, at merge time),
-- in one row per key and batch — a 5,000-fact batch of the ETL wrote 5,000 rows into each of gaming_15m, gaming_1h
-- and gaming_1d, now one per (bucket, currency, provider, game, country, brand) it touches. Tables and their ORDER BY
-- are unchanged; only the views' SELECT is. (money_15m's view is left as it is: money movements are few, and an
-- aggregate named like its column, sum(cash_amount) AS cash_amount, is refused by current ClickHouse.)
--
-- ClickHouse 18.16 cannot alter a view's query: each is dropped and created again. A fact inserted between the two
-- would be missing from that rollup, one inserted while both existed counted twice, so the migrator applies this file
-- holding worker-etl's load lock of wallet_transactions (the first line; ADR 0015): no fact is inserted meanwhile.

DROP TABLE IF EXISTS gaming_15m_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS gaming_15m_mv TO gaming_15m AS
SELECT
    toStartOfFifteenMinutes(occurred_at) AS bucket,
    currency,
    provider,
    game_code,
    country,
    brand,
    sum(toInt64(transaction_type = 'bet')) AS bets_count,
    sum(if(transaction_type = 'bet', -cash_amount, 0)) AS stake_cash,
    sum(if(transaction_type = 'bet', -bonus_amount, 0)) AS stake_bonus,
    sum(toInt64(transaction_type = 'win')) AS wins_count,
    sum(if(transaction_type = 'win', cash_amount, 0)) AS win_cash,
    sum(if(transaction_type = 'win', bonus_amount, 0)) AS win_bonus,
    sum(toInt64(transaction_type = 'rollback')) AS rollbacks_count,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'bet', cash_amount, 0)) AS rolled_back_stake_cash,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'bet', bonus_amount, 0)) AS rolled_back_stake_bonus,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'win', -cash_amount, 0)) AS rolled_back_win_cash,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'win', -bonus_amount, 0)) AS rolled_back_win_bonus
FROM wallet_transactions
WHERE transaction_type IN ('bet', 'win', 'rollback')
GROUP BY bucket, currency, provider, game_code, country, brand;

DROP TABLE IF EXISTS gaming_1h_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS gaming_1h_mv TO gaming_1h AS
SELECT
    toStartOfHour(occurred_at, 'UTC') AS bucket,
    currency,
    provider,
    game_code,
    country,
    brand,
    sum(toInt64(transaction_type = 'bet')) AS bets_count,
    sum(if(transaction_type = 'bet', -cash_amount, 0)) AS stake_cash,
    sum(if(transaction_type = 'bet', -bonus_amount, 0)) AS stake_bonus,
    sum(toInt64(transaction_type = 'win')) AS wins_count,
    sum(if(transaction_type = 'win', cash_amount, 0)) AS win_cash,
    sum(if(transaction_type = 'win', bonus_amount, 0)) AS win_bonus,
    sum(toInt64(transaction_type = 'rollback')) AS rollbacks_count,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'bet', cash_amount, 0)) AS rolled_back_stake_cash,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'bet', bonus_amount, 0)) AS rolled_back_stake_bonus,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'win', -cash_amount, 0)) AS rolled_back_win_cash,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'win', -bonus_amount, 0)) AS rolled_back_win_bonus
FROM wallet_transactions
WHERE transaction_type IN ('bet', 'win', 'rollback')
GROUP BY bucket, currency, provider, game_code, country, brand;

DROP TABLE IF EXISTS gaming_1d_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS gaming_1d_mv TO gaming_1d AS
SELECT
    toStartOfDay(occurred_at, 'UTC') AS bucket,
    currency,
    provider,
    game_code,
    country,
    brand,
    sum(toInt64(transaction_type = 'bet')) AS bets_count,
    sum(if(transaction_type = 'bet', -cash_amount, 0)) AS stake_cash,
    sum(if(transaction_type = 'bet', -bonus_amount, 0)) AS stake_bonus,
    sum(toInt64(transaction_type = 'win')) AS wins_count,
    sum(if(transaction_type = 'win', cash_amount, 0)) AS win_cash,
    sum(if(transaction_type = 'win', bonus_amount, 0)) AS win_bonus,
    sum(toInt64(transaction_type = 'rollback')) AS rollbacks_count,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'bet', cash_amount, 0)) AS rolled_back_stake_cash,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'bet', bonus_amount, 0)) AS rolled_back_stake_bonus,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'win', -cash_amount, 0)) AS rolled_back_win_cash,
    sum(if(transaction_type = 'rollback' AND reverses_type = 'win', -bonus_amount, 0)) AS rolled_back_win_bonus
FROM wallet_transactions
WHERE transaction_type IN ('bet', 'win', 'rollback')
GROUP BY bucket, currency, provider, game_code, country, brand;
