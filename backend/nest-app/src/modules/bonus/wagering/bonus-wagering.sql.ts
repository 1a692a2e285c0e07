/**
 * Wagering progress of settled bets (docs/bonuses.md "Wagering"), as CTEs over `$1..$4`: the bonus ids, the bets'
 * ledger transaction ids, the stakes and their contributions. `inLedger`: the fragment joins the ledger's batch
 * statement and counts only the bets its `tx` CTE inserted (a bet whose key a concurrent batch took counts nothing).
 * The progress UPDATE re-reads a row another transaction changed (READ COMMITTED), so concurrent bets add up
 * exactly; a bonus no longer active takes nothing (its wager row says `counted = false`).
 */
export function wagerCtes(inLedger: boolean): string {
  const onlyInserted = inLedger ? 'WHERE w.bet_transaction_id = ANY (ARRAY(SELECT id FROM tx))' : '';
  return `
    bonus_wager_input AS (
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[])
               AS w(bonus_id, bet_transaction_id, stake, contribution)
      ${onlyInserted}),
    bonus_progress AS (
      UPDATE player_bonuses b
         SET wagering_done = b.wagering_done + s.total,
             -- A free-spins bonus that has won nothing yet has nothing to complete (docs/bonuses.md "Free spins").
             status = CASE WHEN b.wagering_done + s.total >= b.wagering_required AND b.amount > 0
                           THEN 'wagering_complete'
                           ELSE b.status END,
             updated_at = now()
        FROM (SELECT bonus_id, sum(contribution) AS total FROM bonus_wager_input GROUP BY bonus_id) s
       WHERE b.id = s.bonus_id AND b.status = 'active'
      RETURNING b.id, b.status),
    bonus_wagers AS (
      INSERT INTO player_bonus_wagers (bet_transaction_id, player_bonus_id, stake, contribution, counted)
      SELECT w.bet_transaction_id, w.bonus_id, w.stake, w.contribution,
             EXISTS (SELECT 1 FROM bonus_progress p WHERE p.id = w.bonus_id)
        FROM bonus_wager_input w
      RETURNING 1),
    bonus_completed AS (
      INSERT INTO player_bonus_transitions (player_bonus_id, from_status, to_status, cause)
      SELECT id, 'active', 'wagering_complete', 'wagering_met' FROM bonus_progress WHERE status = 'wagering_complete'
      RETURNING 1)`;
}

export const WAGER_OUTPUT = '(SELECT count(*) FROM bonus_wagers)';

/** A rolled-back bet takes back what it added, while its bonus is still active ($1: the bets' transaction ids). */
export const REVERSE_WAGERS = `
  WITH reversed AS (
    UPDATE player_bonus_wagers SET reversed_at = now()
     WHERE bet_transaction_id = ANY($1::uuid[]) AND reversed_at IS NULL AND counted
    RETURNING player_bonus_id, contribution)
  UPDATE player_bonuses b SET wagering_done = greatest(b.wagering_done - s.total, 0), updated_at = now()
    FROM (SELECT player_bonus_id, sum(contribution) AS total FROM reversed GROUP BY player_bonus_id) s
   WHERE b.id = s.player_bonus_id AND b.status = 'active'`;
