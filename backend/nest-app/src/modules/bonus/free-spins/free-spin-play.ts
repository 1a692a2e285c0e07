import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { FreeSpinRewardsRepository } from './free-spin-rewards.repository';
import type { FreeSpinPlay, FreeSpinRefusal, FreeSpinReward } from './free-spins.types';

/**
 * Free spins on the wallet path (docs/bonuses.md "Free spins"), for the game module: a bet or win naming a reward
 * (`reward_uuid`) must name one granted to that player for that game; its spins debit nothing from the player, its
 * wins land as bonus money on that player's free-spins bonus and raise its wagering, in the money's transaction.
 */
@Injectable()
export class FreeSpinPlayService {
  public constructor(
    private readonly rewards: FreeSpinRewardsRepository,
    private readonly clock: Clock,
  ) {}

  /** The reward a call names, or why it may not use it. `spin`: a bet (needs a spin left, an active bonus). */
  public async check(call: {
    providerCode: string;
    rewardUuid: string;
    userId: string;
    gameCode: string | null;
    spin: boolean;
  }): Promise<{ reward: FreeSpinReward } | { refusal: FreeSpinRefusal }> {
    const reward = await this.rewards.byRewardUuid(call.providerCode, call.rewardUuid);
    if (!reward || reward.userId !== call.userId) return { refusal: 'unknown_reward' };
    if (call.gameCode !== null && call.gameCode !== reward.gameCode) return { refusal: 'other_game' };
    if (!call.spin) return { reward };
    if (reward.spinsPlayed >= reward.spinCount) return { refusal: 'spins_used' };
    const now = this.clock.now().getTime();
    if (now >= reward.endsAt.getTime() || !(await this.rewards.bonusActive(reward))) return { refusal: 'reward_ended' };
    return { reward };
  }

  public recordIn(manager: EntityManager, plays: FreeSpinPlay[]): Promise<void> {
    return this.rewards.recordIn(manager, plays);
  }
}
