import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { WalletService } from '../../wallet';
import { PlayerBonusEndings } from './player-bonus-endings.service';
import type { PlayerBonus } from './player-bonus.types';
import { PlayerBonusesRepository } from './player-bonuses.repository';

/**
 * A withdrawal while a bonus is live (issue 21: forfeit only after the player confirms, the API says so before).
 * A bonus whose wagering is complete is converted first (the player earned it); an active one refuses the withdrawal
 * with 409 BONUS_FORFEIT_CONFIRMATION_REQUIRED (the bonus in `details`) unless the player confirmed, in which case it
 * is forfeited (cause `player_forfeit`: the whole bonus balance back, cash stays) once the money is held.
 */
@Injectable()
export class BonusWithdrawals {
  public constructor(
    private readonly bonuses: PlayerBonusesRepository,
    private readonly endings: PlayerBonusEndings,
    private readonly wallets: WalletService,
  ) {}

  /** Read only: throws the confirmation request if an unconfirmed withdrawal would forfeit an active bonus. */
  public async assertConfirmed(userId: string, currency: string, forfeitConfirmed: boolean): Promise<void> {
    const live = await this.liveBonusOf(userId, currency);
    if (live?.status === 'active' && !forfeitConfirmed) throw await this.confirmationRequired(live);
  }

  /**
   * Before the withdrawal's hold: converts a completed bonus (its cash may be what is withdrawn), refuses an active
   * one the player did not confirm, and answers the active one to forfeit once the hold is placed.
   */
  public async settleBeforeHold(
    userId: string,
    currency: string,
    forfeitConfirmed: boolean,
  ): Promise<PlayerBonus | null> {
    const live = await this.liveBonusOf(userId, currency);
    if (!live) return null;
    if (live.status === 'wagering_complete') {
      await this.endings.convertIfComplete(live.id);
      return null;
    }
    if (!forfeitConfirmed) throw await this.confirmationRequired(live);
    return live;
  }

  /**
   * After the hold: the confirmed forfeit. A hold refused (not enough cash) leaves the bonus as it was; a forfeit
   * that fails here leaves the withdrawal at its first status, which a retry with the same Idempotency-Key resumes.
   */
  public async forfeitForWithdrawal(userId: string, bonus: PlayerBonus): Promise<void> {
    await this.endings.forfeit(userId, bonus);
  }

  private async liveBonusOf(userId: string, currency: string): Promise<PlayerBonus | null> {
    const listed = await this.bonuses.listOfPlayer(userId);
    return (
      listed.find(
        (bonus) => bonus.currency === currency && (bonus.status === 'active' || bonus.status === 'wagering_complete'),
      ) ?? null
    );
  }

  private async confirmationRequired(bonus: PlayerBonus): Promise<DomainError> {
    const wallet = (await this.wallets.walletsOfUser(bonus.userId)).find(
      (view) => view.balances.currency === bonus.currency,
    );
    return new DomainError(
      'BONUS_FORFEIT_CONFIRMATION_REQUIRED',
      'A withdrawal forfeits the active bonus: send forfeitActiveBonus: true to confirm',
      {
        bonus: {
          id: bonus.id,
          currency: bonus.currency,
          amount: bonus.amount.toString(),
          bonusBalance: (wallet?.balances.bonus ?? 0n).toString(),
          wageringRequired: bonus.wageringRequired.toString(),
          wageringDone: bonus.wageringDone.toString(),
          expiresAt: bonus.expiresAt.toISOString(),
        },
      },
    );
  }
}
