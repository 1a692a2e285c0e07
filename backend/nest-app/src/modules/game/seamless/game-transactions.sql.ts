import type { PreparedStatement } from '../../../infra/database/prepared-statement';

/*
 * The set-based statements of the seamless wallet's hot path (ADR 0011). Each takes its rows as parallel
 * arrays and runs as a named prepared statement, once per coalesced batch; a batch of one is the single call.
 */

export const ROW_COLUMNS = `id, provider_id AS "providerId", external_id AS "externalId", kind, status, failure, fingerprint,
  user_id AS "userId", round_id AS "roundId", round_closed AS "roundClosed", game_code AS "gameCode", currency,
  amount::text AS amount, reference_external_id AS "referenceExternalId", is_free AS "isFree",
  wallet_transaction_id AS "walletTransactionId", wallet_command AS "walletCommand", created_at AS "createdAt",
  (extract(epoch FROM clock_timestamp() - updated_at) * 1000)::float8 AS "ageMs"`;

/** $1..$18: one array per column of a new row (see `claimColumns`), in this order. */
const ROW_ARRAYS = `$1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::uuid[],
  $9::boolean[], $10::text[], $11::char(3)[], $12::bigint[], $13::text[], $14::boolean[], $15::boolean[],
  $16::jsonb[], $17::jsonb[], $18::text[]`;
const ROW_NAMES = `provider_id, external_id, kind, status, fingerprint, user_id, session_id, round_id, round_closed,
  game_code, currency, amount, reference_external_id, is_free, is_promo, wallet_command, details, round`;

/**
 * Each row's round (the provider's round id), created on its first transaction. One row per round (ON CONFLICT
 * DO UPDATE may not touch a row twice in one statement), in key order (a stable lock order).
 */
function upsertRounds(source: string): string {
  return `INSERT INTO game_rounds (provider_id, user_id, game_code, provider_round_id, currency)
    SELECT DISTINCT ON (provider_id, user_id, game_code, round) provider_id, user_id, game_code, round, currency
      FROM ${source} WHERE round IS NOT NULL AND game_code IS NOT NULL
     ORDER BY provider_id, user_id, game_code, round
    ON CONFLICT (provider_id, user_id, game_code, provider_round_id)
    DO UPDATE SET provider_round_id = EXCLUDED.provider_round_id
    RETURNING id, provider_id, user_id, game_code, provider_round_id`;
}

/** Inserts the rows of `source` with their rounds (CTE `round`); ids known already are skipped. */
function insertRows(source: string): string {
  return `INSERT INTO game_transactions (provider_id, external_id, kind, status, fingerprint, user_id, session_id,
      round_id, round_closed, game_code, currency, amount, reference_external_id, is_free, is_promo, wallet_command,
      details)
    SELECT s.provider_id, s.external_id, s.kind, s.status, s.fingerprint, s.user_id, s.session_id,
           coalesce(s.round_id, r.id), s.round_closed, s.game_code, s.currency, s.amount, s.reference_external_id,
           s.is_free, s.is_promo, s.wallet_command, s.details
      FROM ${source} s
      LEFT JOIN round r ON r.provider_id = s.provider_id AND r.user_id = s.user_id AND r.game_code = s.game_code
                       AND r.provider_round_id = s.round
     ORDER BY s.provider_id, s.external_id
    ON CONFLICT (provider_id, external_id) DO NOTHING RETURNING ${ROW_COLUMNS}`;
}

/** Inserts each row unless its id is known (with its round); answers the rows inserted. */
export const CLAIM: PreparedStatement = {
  name: 'game_claim_v1',
  text: `WITH input AS (SELECT * FROM unnest(${ROW_ARRAYS}) AS i(${ROW_NAMES})),
              round AS (${upsertRounds('input')})
         ${insertRows('input')}`,
};

/**
 * Wins' claims, $19 the referenced bets' ids. Under a lock of each referenced bet's row (the row `RollbackFlow`
 * locks, so a win and its bet's rollback serialise; taken in id order), a win is inserted only when its own id
 * is new and its bet is an applied bet of the same player. A win in its bet's round takes the bet's round id: that
 * round exists and its key never changes, so only a win naming another round upserts one (no second version of the
 * round's row per win). Answers, per input in order, the inserted row, the bet as found and whether the win's own
 * id was known already.
 */
export const CLAIM_WINS: PreparedStatement = {
  name: 'game_claim_wins_v2',
  text: `WITH input AS (
           SELECT * FROM unnest(${ROW_ARRAYS}, $19::text[]) WITH ORDINALITY AS i(${ROW_NAMES}, bet_external_id, ord)),
         bet AS (
           SELECT t.provider_id, t.external_id, t.kind, t.status, t.user_id, t.round_id FROM game_transactions t
            WHERE (t.provider_id, t.external_id) IN (SELECT provider_id, bet_external_id FROM input)
              AND t.provider_id = ANY($1::uuid[]) AND t.external_id = ANY($19::text[])
            ORDER BY t.id FOR UPDATE),
         bet_round AS (
           SELECT r.id, r.provider_id, r.user_id, r.game_code, r.provider_round_id FROM game_rounds r
            WHERE r.id = ANY(ARRAY(SELECT round_id FROM bet WHERE round_id IS NOT NULL))),
         own AS (
           SELECT i.ord FROM input i
             JOIN game_transactions t ON t.provider_id = i.provider_id AND t.external_id = i.external_id
                                     AND t.provider_id = ANY($1::uuid[]) AND t.external_id = ANY($2::text[])),
         allowed AS (
           SELECT i.provider_id, i.external_id, i.kind, i.status, i.fingerprint, i.user_id, i.session_id,
                  coalesce(i.round_id, br.id) AS round_id, i.round_closed, i.game_code, i.currency, i.amount,
                  i.reference_external_id, i.is_free, i.is_promo, i.wallet_command, i.details, i.round
             FROM input i
             JOIN bet b ON b.provider_id = i.provider_id AND b.external_id = i.bet_external_id
             LEFT JOIN bet_round br ON br.id = b.round_id AND br.provider_id = i.provider_id
                                   AND br.user_id = i.user_id AND br.game_code = i.game_code
                                   AND br.provider_round_id = i.round
            WHERE b.kind = 'bet' AND b.status = 'applied' AND b.user_id = i.user_id
              AND NOT EXISTS (SELECT 1 FROM own o WHERE o.ord = i.ord)),
         round AS (${upsertRounds('(SELECT * FROM allowed WHERE round_id IS NULL) new_round')}),
         claimed AS (${insertRows('allowed')})
       SELECT (SELECT row_to_json(c) FROM claimed c
                WHERE c."providerId" = i.provider_id AND c."externalId" = i.external_id) AS claimed,
              (SELECT json_build_object('kind', b.kind, 'status', b.status, 'userId', b.user_id) FROM bet b
                WHERE b.provider_id = i.provider_id AND b.external_id = i.bet_external_id) AS bet,
              EXISTS (SELECT 1 FROM own o WHERE o.ord = i.ord) AS known
         FROM input i ORDER BY i.ord`,
};

/** Each round of CTE `closed` with the bets and wins standing in it (`standing`: which of its rows count). */
function closedRoundTotals(standing: string, closed = 'closed'): string {
  return `SELECT r.id AS "roundId", r.provider_round_id AS "providerRoundId", r.user_id AS "userId",
                 r.game_code AS "gameCode", r.currency, r.opened_at AS "openedAt", r.closed_at AS "closedAt",
                 coalesce(sum(t.amount) FILTER (WHERE t.kind = 'bet' AND ${standing}), 0)::text AS "totalBet",
                 coalesce(sum(t.amount) FILTER (WHERE t.kind = 'win' AND ${standing}), 0)::text AS "totalWin"
            FROM ${closed} r LEFT JOIN game_transactions t ON t.round_id = r.id
           GROUP BY r.id, r.provider_round_id, r.user_id, r.game_code, r.currency, r.opened_at, r.closed_at`;
}

/**
 * Closes rounds ($1) at their times ($2), each once; answers the totals of those this statement closed:
 * what stands in them, as seen by the caller's transaction.
 */
export const CLOSE_ROUNDS: PreparedStatement = {
  name: 'game_close_rounds_v1',
  text: `WITH closed AS (
           UPDATE game_rounds r SET status = 'closed', closed_at = i.closed_at
             FROM unnest($1::uuid[], $2::timestamptz[]) AS i(id, closed_at)
            WHERE r.id = ANY($1::uuid[]) AND r.id = i.id AND r.status = 'open'
        RETURNING r.id, r.provider_round_id, r.user_id, r.game_code, r.currency, r.opened_at, r.closed_at)
       ${closedRoundTotals(`t.status = 'applied'`)}`,
};

/**
 * Rows ($1) applied with their wallet transactions ($2), and the rounds they close ($3, null: none) closed at $4.
 * A round's totals count its applied rows and those this statement applies (the statement's snapshot still shows
 * them pending). CTEs named with `prefix`; `output` answers the ids that moved and the totals of the rounds closed.
 */
export function applyAndCloseParts(prefix: string): { ctes: string; output: string } {
  const [input, applied, closed, totals] = ['input', 'applied', 'closed', 'totals'].map((name) => prefix + name);
  const ctes = `${input} AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS i(id, wallet_transaction_id, close_round_id)),
         ${applied} AS (
           UPDATE game_transactions t
              SET status = 'applied', wallet_transaction_id = coalesce(i.wallet_transaction_id, t.wallet_transaction_id),
                  updated_at = now()
             FROM ${input} i
            WHERE t.id = ANY($1::uuid[]) AND t.id = i.id AND t.status = 'pending'
        RETURNING t.id),
         ${closed} AS (
           UPDATE game_rounds r SET status = 'closed', closed_at = $4
            WHERE r.status = 'open' AND r.id IN (SELECT i.close_round_id FROM ${input} i JOIN ${applied} a ON a.id = i.id)
        RETURNING r.id, r.provider_round_id, r.user_id, r.game_code, r.currency, r.opened_at, r.closed_at),
         ${totals} AS (${closedRoundTotals(`(t.status = 'applied' OR t.id IN (SELECT id FROM ${applied}))`, closed)})`;
  const output = `json_build_object(
           'applied', (SELECT coalesce(array_agg(id::text), '{}') FROM ${applied}),
           'closed', (SELECT coalesce(json_agg(${totals}), '[]') FROM ${totals}))`;
  return { ctes, output };
}

/**
 * With `applyAndCloseParts(prefix)`: the `game.round.closed` event of each round closed, written to the outbox by
 * the same statement (the fragment in the ledger's batch statement: no round trip for the events). $5 the event
 * type, $6 its version, $7 each input row's provider code, $8 its trace context (the round's closing call's). The envelope and payload are those `domainEvent` and
 * `GameRoundClosedV1` give (`game-hub88-wallet.e2e-spec.ts` compares the two); times in ISO-8601 UTC, ms precision.
 */
export function roundClosedEventsCte(prefix: string): string {
  const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `${prefix}round_events AS (
           INSERT INTO outbox_events (id, stream, event_type, aggregate_id, envelope, trace_context)
           SELECT e.id, 'game', $5::text, t."roundId"::text,
                  jsonb_build_object('id', e.id, 'type', $5::text, 'version', $6::int, 'occurredAt', ${iso('$4::timestamptz')},
                    'aggregateId', t."roundId",
                    'payload', jsonb_build_object(
                      'roundId', t."roundId", 'providerCode', p.code, 'providerRoundId', t."providerRoundId",
                      'userId', t."userId", 'gameCode', t."gameCode", 'currency', t.currency,
                      'totalBet', t."totalBet", 'totalWin', t."totalWin",
                      'openedAt', ${iso('t."openedAt"')}, 'closedAt', ${iso('t."closedAt"')})),
                  p.trace_context
             FROM ${prefix}totals t
             CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id) e
             CROSS JOIN LATERAL (
               SELECT i.code, i.trace_context FROM unnest($3::uuid[], $7::text[], $8::jsonb[]) AS i(round_id, code, trace_context)
                WHERE i.round_id = t."roundId" LIMIT 1) p
            ORDER BY t."roundId")`;
}

/** `applyAndCloseParts` as a statement of its own (a call's end outside the ledger's batch statement). */
const STANDALONE_APPLY_AND_CLOSE = applyAndCloseParts('');
export const APPLY_AND_CLOSE: PreparedStatement = {
  name: 'game_apply_and_close_v2',
  text: `WITH ${STANDALONE_APPLY_AND_CLOSE.ctes} SELECT ${STANDALONE_APPLY_AND_CLOSE.output} AS answer`,
};
