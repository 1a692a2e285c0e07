import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { PlayerBonusEndings } from './player-bonus-endings.service';
import { PlayerBonusGrants } from './player-bonus-grants.service';
import type { PlayerBonus } from './player-bonus.types';
import { PlayerBonusesRepository } from './player-bonuses.repository';

/** The player's own bonuses: list them, opt in to an offer, forfeit one. */
@Injectable()
export class PlayerBonusesService {
  public constructor(
    private readonly bonuses: PlayerBonusesRepository,
    private readonly grants: PlayerBonusGrants,
    private readonly endings: PlayerBonusEndings,
  ) {}

  /** A bonus whose conversion did not happen after its last bet (a failure, a crash) is converted first. */
  public async listMine(userId: string): Promise<PlayerBonus[]> {
    const listed = await this.bonuses.listOfPlayer(userId);
    const pending = listed.filter((bonus) => bonus.status === 'wagering_complete');
    if (pending.length === 0) return listed;
    for (const bonus of pending) await this.endings.convertIfComplete(bonus.id);
    return this.bonuses.listOfPlayer(userId);
  }

  public async optIn(userId: string, bonusId: string): Promise<PlayerBonus> {
    await this.grants.optIn(userId, await this.mine(userId, bonusId));
    return this.mine(userId, bonusId);
  }

  public async forfeit(userId: string, bonusId: string): Promise<PlayerBonus> {
    await this.endings.forfeit(userId, await this.mine(userId, bonusId));
    return this.mine(userId, bonusId);
  }

  /** Another player's bonus is as unknown as a missing one. */
  private async mine(userId: string, bonusId: string): Promise<PlayerBonus> {
    const bonus = await this.bonuses.findById(bonusId);
    if (!bonus || bonus.userId !== userId) throw new DomainError('BONUS_NOT_FOUND', 'No such bonus', { id: bonusId });
    return bonus;
  }
}
