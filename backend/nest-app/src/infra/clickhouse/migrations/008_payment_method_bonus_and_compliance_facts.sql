-- etl-load-lock: wallet_transactions
-- Two additions of issue 16's missing facts (docs/reports.md):
--
-- 1. The payment method (`card`, `bank_transfer`, `e_wallet`) of a deposit or withdrawal: the payment intent records
--    it and the wallet transaction carries it in its reference (`paymentMethod`), like the provider. A new column of
--    wallet_transactions and a new key column of money_15m (18.16 can add a new column at the end of a sorting key:
--    `ADD COLUMN ..., MODIFY ORDER BY`). The view cannot be altered on 18.16: it is dropped and created again with the
--    column, so the migrator applies this file holding worker-etl's load lock of wallet_transactions (the first line;
--    ADR 0015): no fact is inserted while the view is missing. Facts loaded before keep an empty method.

ALTER TABLE wallet_transactions ADD COLUMN payment_method String AFTER provider;

ALTER TABLE money_15m
    ADD COLUMN payment_method String AFTER provider,
    MODIFY ORDER BY (bucket, currency, transaction_type, provider, country, brand, payment_method);

DROP TABLE IF EXISTS money_15m_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS money_15m_mv TO money_15m AS
SELECT
    toStartOfFifteenMinutes(occurred_at) AS bucket,
    currency,
    transaction_type,
    provider,
    payment_method,
    country,
    brand,
    toInt64(1) AS transactions_count,
    cash_amount,
    bonus_amount,
    held_amount
FROM wallet_transactions
WHERE transaction_type NOT IN ('bet', 'win', 'rollback');

-- 2. Bonus facts from the `bonus.*` events (docs/bonuses.md): one row per step of a player bonus, keyed by
-- `<player bonus id>:<step>` (a bonus is offered, activated and ended at most once each, so a relay republishing an
-- event under a new id is absorbed too; ADR 0015). Amounts are Int64 minor units: `granted` is the bonus money an
-- activation credited, `converted` the cash a conversion credited (the ledger's bonus cost), `removed` the bonus
-- money a forfeit or an expiry took back. `occurred_at` is the event's `at`, written just after the ledger
-- transaction (`ledger_transaction_id`) committed.

CREATE TABLE IF NOT EXISTS bonus_events
(
    fact_key String,
    event_id String,
    occurred_at DateTime,
    step String,
    player_bonus_id String,
    user_id String,
    template_id String,
    ledger_transaction_id String,
    currency FixedString(3),
    granted Int64,
    converted Int64,
    removed Int64,
    country String,
    brand String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(occurred_at)
ORDER BY fact_key;

-- Bonus measures by 15-minute UTC bucket, fed like the other rollups (the loader inserts each fact once); the view
-- sums each inserted block by the key, as migration 007's gaming views do.
CREATE TABLE IF NOT EXISTS bonus_15m
(
    bucket DateTime,
    currency FixedString(3),
    country String,
    brand String,
    grants_count Int64,
    granted_amount Int64,
    conversions_count Int64,
    converted_amount Int64,
    removals_count Int64,
    removed_amount Int64
)
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, currency, country, brand);

CREATE MATERIALIZED VIEW IF NOT EXISTS bonus_15m_mv TO bonus_15m AS
SELECT
    toStartOfFifteenMinutes(occurred_at) AS bucket,
    currency,
    country,
    brand,
    sum(toInt64(step = 'activated')) AS grants_count,
    sum(granted) AS granted_amount,
    sum(toInt64(step = 'converted')) AS conversions_count,
    sum(converted) AS converted_amount,
    sum(toInt64(step IN ('forfeited', 'expired', 'canceled'))) AS removals_count,
    sum(removed) AS removed_amount
FROM bonus_events
GROUP BY bucket, currency, country, brand;

-- 3. Compliance facts from the user stream: KYC status changes (`user.kyc.changed`) and responsible-gaming limit
-- changes and exclusions (`user.rg.limit_changed`, `user.rg.excluded`), one row per event, keyed by event id (each is
-- written once, in the transaction of its change). No report measure reads them yet. RG values are decimal strings
-- (minor units of `currency` for money limits, minutes for session limits), '' for "no limit"; `ends_at` is Unix
-- seconds, 0 for a permanent self-exclusion (18.16 reads no 0 into a TabSeparated DateTime).

CREATE TABLE IF NOT EXISTS kyc_events
(
    event_id String,
    occurred_at DateTime,
    user_id String,
    from_status String,
    status String,
    level String,
    actor_type String,
    country String,
    brand String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(occurred_at)
ORDER BY event_id;

CREATE TABLE IF NOT EXISTS rg_events
(
    event_id String,
    occurred_at DateTime,
    user_id String,
    change_kind String,
    limit_key String,
    action String,
    previous_value String,
    requested_value String,
    effective_value String,
    currency String,
    exclusion_kind String,
    period String,
    ends_at UInt32,
    country String,
    brand String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(occurred_at)
ORDER BY event_id;
