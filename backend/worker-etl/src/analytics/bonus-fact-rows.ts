import type { BonusEventType, PlayerBonusEvent } from '@casino/contracts';
import { minorUnits, unixSeconds, type PlayerDimensions } from './fact-rows';

/** The step of a player bonus an event records: `bonus.activated` → `activated`. */
export type BonusStep = 'offered' | 'activated' | 'converted' | 'forfeited' | 'expired' | 'canceled';

const STEPS: Record<BonusEventType, BonusStep> = {
  'bonus.offered': 'offered',
  'bonus.activated': 'activated',
  'bonus.converted': 'converted',
  'bonus.forfeited': 'forfeited',
  'bonus.expired': 'expired',
  'bonus.canceled': 'canceled',
};

/** The steps that end a bonus and take its bonus balance back. */
const REMOVALS: ReadonlySet<BonusStep> = new Set(['forfeited', 'expired', 'canceled']);

/** One row of `bonus_events` (ClickHouse migration 008) per step of a player bonus; amounts Int64 strings. */
export interface BonusEventRow {
  fact_key: string;
  event_id: string;
  occurred_at: number;
  step: BonusStep;
  player_bonus_id: string;
  user_id: string;
  template_id: string;
  ledger_transaction_id: string;
  currency: string;
  granted: string;
  converted: string;
  removed: string;
  country: string;
  brand: string;
}

/**
 * The money of each step, as the ledger moved it (docs/bonuses.md "Bonus money in the ledger"): an activation
 * credited `amount` of bonus money (`bonus_grant`), a conversion `convertedToCash` of cash (`bonus_convert`, the
 * bonus cost), a forfeit, staff cancel or expiry took `removedFromBonus` back (`bonus_forfeit` for both of the first,
 * `bonus_expire`). An offer moves
 * nothing. A bonus takes each step at most once, so `<bonus id>:<step>` is the fact's key (ADR 0015).
 */
export function bonusEventRow(event: PlayerBonusEvent, player: PlayerDimensions): BonusEventRow {
  const { payload } = event;
  const step = STEPS[event.type];
  if (!step) throw new RangeError(`${String(event.type)} is not a bonus event`);
  return {
    fact_key: `${payload.playerBonusId}:${step}`,
    event_id: event.id,
    occurred_at: unixSeconds(payload.at),
    step,
    player_bonus_id: payload.playerBonusId,
    user_id: payload.userId,
    template_id: payload.templateId,
    ledger_transaction_id: payload.ledgerTransactionId ?? '',
    currency: payload.currency,
    granted: step === 'activated' ? minorUnits(payload.amount) : '0',
    converted: step === 'converted' ? minorUnits(payload.convertedToCash ?? '0') : '0',
    removed: REMOVALS.has(step) ? minorUnits(payload.removedFromBonus ?? '0') : '0',
    country: player.country,
    brand: player.brand,
  };
}
