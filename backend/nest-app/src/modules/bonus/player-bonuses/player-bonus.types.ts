import type { PlayerBonusCause, PlayerBonusStatus } from './player-bonus.state-machine';

/** A bonus of one player, with the terms it was granted under (copied from its template) and its wagering. */
export interface PlayerBonus {
  id: string;
  userId: string;
  templateId: string;
  templateName: string;
  grantKey: string;
  currency: string;
  status: PlayerBonusStatus;
  amount: bigint;
  wageringRequired: bigint;
  wageringDone: bigint;
  gameWeights: Record<string, number>;
  defaultWeight: number;
  maxBet: bigint;
  maxConversion: bigint | null;
  expiresAt: Date;
  grantedBy: string | null;
  reason: string | null;
  grantTransactionId: string | null;
  endTransactionId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewPlayerBonus = Omit<
  PlayerBonus,
  'templateName' | 'status' | 'wageringDone' | 'grantTransactionId' | 'endTransactionId' | 'updatedAt'
>;

export interface BonusTransition {
  id: string;
  from: PlayerBonusStatus;
  to: PlayerBonusStatus;
  cause: PlayerBonusCause;
  actorId?: string | null;
  ledgerTransactionId?: string | null;
  details?: Record<string, unknown>;
  /** Set with the transition: the money's transaction that activated or ended the bonus. */
  grantTransactionId?: string;
  endTransactionId?: string;
}

/** What the bet path needs of the player's active bonus: one indexed read per bet. */
export interface ActiveBonusTerms {
  id: string;
  maxBet: bigint;
  gameWeights: Record<string, number>;
  defaultWeight: number;
}
