import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../templates/bonus-templates.service';
import { PlayerBonusEndings } from './player-bonus-endings.service';
import type { PlayerBonus } from './player-bonus.types';
import { PlayerBonusesRepository } from './player-bonuses.repository';

export interface StaffCancelRequest {
  bonusId: string;
  reason: string;
  /** The request's Idempotency-Key: a retry of the cancel that succeeded answers the canceled bonus. */
  idempotencyKey: string;
}

/** Staff withdraw an offered or active bonus (docs/bonuses.md "Staff cancel"). */
@Injectable()
export class PlayerBonusCancels {
  public constructor(
    private readonly bonuses: PlayerBonusesRepository,
    private readonly endings: PlayerBonusEndings,
  ) {}

  public async cancel(actor: StaffActor, request: StaffCancelRequest): Promise<PlayerBonus> {
    const bonus = await this.found(request.bonusId);
    if (bonus.status === 'canceled' && (await this.canceledWith(bonus.id, request.idempotencyKey))) return bonus;
    await this.endings.cancel(actor, bonus, request.reason, request.idempotencyKey);
    return this.found(request.bonusId);
  }

  private async canceledWith(bonusId: string, idempotencyKey: string): Promise<boolean> {
    const [cancel] = await this.bonuses.transitionsInto(bonusId, 'canceled');
    return cancel?.details.idempotencyKey === idempotencyKey;
  }

  private async found(bonusId: string): Promise<PlayerBonus> {
    const bonus = await this.bonuses.findById(bonusId);
    if (!bonus) throw new DomainError('BONUS_NOT_FOUND', 'No such bonus', { id: bonusId });
    return bonus;
  }
}
