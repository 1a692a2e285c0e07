import { BONUS_CONVERTED, BONUS_FORFEITED, DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { WalletService, type LedgerResult } from '../../wallet';
import { bonusEvent } from './player-bonus-events';
import { assertTransition, type PlayerBonusCause, type PlayerBonusStatus } from './player-bonus.state-machine';
import type { PlayerBonus } from './player-bonus.types';
import { PlayerBonusesRepository } from './player-bonuses.repository';

/**
 * How a bonus with money ends: the player forfeits it (CMA: at any time; the whole bonus balance goes back to the
 * bonus cost account), or its completed wagering converts it (min(bonus balance, max conversion) to cash, the rest
 * back). The money moves in the same database transaction as the status, its log row and its event; each ending has
 * its own ledger key, so it happens once however often it is asked.
 */
@Injectable()
export class PlayerBonusEndings {
  private readonly logger = new Logger(PlayerBonusEndings.name);

  public constructor(
    private readonly bonuses: PlayerBonusesRepository,
    private readonly wallets: WalletService,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  public async forfeit(userId: string, bonus: PlayerBonus): Promise<void> {
    assertTransition(bonus.status, 'forfeited', 'player_forfeit');
    await this.wallets.removeBonus(
      'bonus_forfeit',
      { ...this.walletOf(bonus), idempotency: { scope: 'bonus', key: `forfeit:${bonus.id}` } },
      (manager, result, removed) =>
        this.endIn(manager, bonus.id, 'forfeited', 'player_forfeit', result, userId, (locked, at) =>
          bonusEvent(BONUS_FORFEITED, locked, 'forfeited', at, {
            ledgerTransactionId: result.transactionId,
            removedFromBonus: removed,
          }),
        ),
    );
  }

  /**
   * Converts the bonus if its wagering is complete (after a bet that may have completed it); does nothing
   * otherwise. A failure is logged, not thrown: the bet's answer stands and the bonus stays wagering_complete
   * (converted when its player next lists their bonuses).
   */
  public async convertIfComplete(bonusId: string): Promise<void> {
    try {
      const bonus = await this.bonuses.findById(bonusId);
      if (bonus?.status !== 'wagering_complete') return;
      await this.wallets.convertBonus(
        {
          ...this.walletOf(bonus),
          ...(bonus.maxConversion !== null ? { maxConversion: bonus.maxConversion } : {}),
          idempotency: { scope: 'bonus', key: `convert:${bonus.id}` },
        },
        (manager, result, converted) =>
          this.endIn(manager, bonus.id, 'converted', 'conversion', result, null, (locked, at) =>
            bonusEvent(BONUS_CONVERTED, locked, 'converted', at, {
              ledgerTransactionId: result.transactionId,
              convertedToCash: converted,
            }),
          ),
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'BONUS_TRANSITION_NOT_ALLOWED') return;
      this.logger.warn({ err: error, bonusId }, 'bonus conversion failed; the next settled bet retries it');
    }
  }

  private walletOf(bonus: PlayerBonus): {
    wallet: { userId: string };
    currency: string;
    metadata: Record<string, string>;
  } {
    return { wallet: { userId: bonus.userId }, currency: bonus.currency, metadata: { playerBonusId: bonus.id } };
  }

  /** In the money's transaction: the row locked and checked again (a concurrent ending refuses this one). */
  private async endIn(
    manager: EntityManager,
    bonusId: string,
    to: PlayerBonusStatus,
    cause: PlayerBonusCause,
    result: LedgerResult,
    actorId: string | null,
    event: (bonus: PlayerBonus, at: Date) => ReturnType<typeof bonusEvent>,
  ): Promise<void> {
    const locked = await this.bonuses.lockById(manager, bonusId);
    if (!locked) throw new DomainError('BONUS_NOT_FOUND', 'No such bonus', { id: bonusId });
    assertTransition(locked.status, to, cause);
    await this.bonuses.transition(manager, {
      id: bonusId,
      from: locked.status,
      to,
      cause,
      actorId,
      ledgerTransactionId: result.transactionId,
      endTransactionId: result.transactionId,
    });
    await this.outbox.append(manager, 'bonus', [event(locked, this.clock.now())]);
  }
}
