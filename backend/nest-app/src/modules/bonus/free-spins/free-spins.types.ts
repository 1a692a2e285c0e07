/** A grant of free spins: the player's reward at the provider, tied to the player's free-spins bonus. */
export interface FreeSpinReward {
  id: string;
  playerBonusId: string;
  userId: string;
  providerCode: string;
  gameCode: string;
  currency: string;
  spinCount: number;
  spinValue: bigint;
  wageringMultiplier: number;
  status: 'pending' | 'issued';
  rewardUuid: string | null;
  spinsPlayed: number;
  winnings: bigint;
  startsAt: Date;
  endsAt: Date;
}

/** What the provider is asked to create (its free-bet API). `reference` is our reward id. */
export interface FreeSpinsOrder {
  reference: string;
  providerCode: string;
  gameCode: string;
  userId: string;
  currency: string;
  spinCount: number;
  spinValue: bigint;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The port a game-provider integration implements (Hub88: the Freebets API) and registers with `FreeSpinsIssuers`:
 * creates the reward at the provider and answers its id (`reward_uuid`). Throws a DomainError when the provider
 * refuses or does not answer.
 */
export interface FreeSpinsIssuer {
  issue(order: FreeSpinsOrder): Promise<{ rewardUuid: string }>;
}

/** Why a wallet call naming a reward is refused (the game module maps each to its protocol's status). */
export type FreeSpinRefusal = 'unknown_reward' | 'other_game' | 'spins_used' | 'reward_ended';

/** A free spin's money movement, written in the bet's or win's own ledger transaction. */
export interface FreeSpinPlay {
  rewardId: string;
  kind: 'bet' | 'win';
  /** A win's amount (credited to the bonus balance by the ledger); zero for a bet. */
  amount: bigint;
}
