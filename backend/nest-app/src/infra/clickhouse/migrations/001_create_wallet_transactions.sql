-- One row per ledger entry of a completed wallet transaction, loaded by worker-etl.
-- Amounts are Int64 minor units; never Decimal or Float (and 18.16 cannot read Decimal from JSON strings).
CREATE TABLE IF NOT EXISTS wallet_entries
(
    event_id String,
    occurred_at DateTime,
    transaction_id String,
    transaction_type String,
    wallet_id String,
    user_id String,
    account_id String,
    account_kind String,
    currency FixedString(3),
    amount Int64
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (wallet_id, occurred_at, transaction_id, account_id);
