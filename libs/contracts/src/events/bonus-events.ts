import type { DomainEventEnvelope } from './envelope';

/** Player bonus life cycle (docs/bonuses.md); amounts are integer minor units as decimal strings. */
export const BONUS_OFFERED = 'bonus.offered';
export const BONUS_ACTIVATED = 'bonus.activated';
export const BONUS_CONVERTED = 'bonus.converted';
export const BONUS_FORFEITED = 'bonus.forfeited';
export const BONUS_EXPIRED = 'bonus.expired';
export const BONUS_CANCELED = 'bonus.canceled';

export type BonusEventType =
  | typeof BONUS_OFFERED
  | typeof BONUS_ACTIVATED
  | typeof BONUS_CONVERTED
  | typeof BONUS_FORFEITED
  | typeof BONUS_EXPIRED
  | typeof BONUS_CANCELED;

export interface PlayerBonusEventV1 {
  playerBonusId: string;
  userId: string;
  templateId: string;
  currency: string;
  status: string;
  /** The bonus money granted. */
  amount: string;
  wageringRequired: string;
  wageringDone: string;
  /** The ledger transaction that moved the money of this step (absent for an offer). */
  ledgerTransactionId?: string;
  /** Conversions: what reached cash; conversions, forfeits, expiries and cancels: what left the bonus balance. */
  convertedToCash?: string;
  removedFromBonus?: string;
  at: string;
}

export type PlayerBonusEvent = DomainEventEnvelope<BonusEventType, PlayerBonusEventV1>;
