-- wallet_entries (001, one row per ledger entry) was the first loader's table; the facts of 002 replace it and
-- nothing reads it (ADR 0015).
DROP TABLE IF EXISTS wallet_entries;
