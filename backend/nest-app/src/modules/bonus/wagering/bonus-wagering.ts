import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AttachedStatement } from '../../../infra/database/attached-statement';
import { PlayerBonusEndings } from '../player-bonuses/player-bonus-endings.service';
import type { ActiveBonusTerms } from '../player-bonuses/player-bonus.types';
import { PlayerBonusesRepository } from '../player-bonuses/player-bonuses.repository';
import { REVERSE_WAGERS, WAGER_OUTPUT, wagerCtes } from './bonus-wagering.sql';

/** What a settled bet adds to its bonus's wagering: the stake at its game category's weight (percent, truncated). */
export interface BonusWager {
  bonusId: string;
  stake: bigint;
  contribution: bigint;
}

/** A wager of a bet whose ledger transaction is known (an attachment's item). */
export interface PlacedWager {
  wager: BonusWager;
  betTransactionId: string;
}

/**
 * Wagering on the bet path (docs/bonuses.md "Wagering"), for the game module: one indexed read of the active bonus
 * per bet, the max-bet refusal, and the progress written in the bet's own ledger transaction (an attachment of the
 * game module's, ADR 0011), so a retried bet (which moves no money) counts nothing and a rollback takes it back.
 */
@Injectable()
export class BonusWagering {
  public constructor(
    private readonly bonuses: PlayerBonusesRepository,
    private readonly endings: PlayerBonusEndings,
  ) {}

  public activeTermsOf(userId: string): Promise<ActiveBonusTerms | null> {
    return this.bonuses.activeTermsOf(userId);
  }

  /** shared/reference/bonuses.md: a bet above the max bet while a bonus is active is refused when placed. */
  public assertWithinMaxBet(terms: ActiveBonusTerms, stake: bigint): void {
    if (stake > terms.maxBet) {
      throw new DomainError('BONUS_MAX_BET_EXCEEDED', 'The stake is above the active bonus maximum bet', {
        maxBet: terms.maxBet.toString(),
        stake: stake.toString(),
      });
    }
  }

  /** Null when the stake counts nothing (a 0 % category): such a bet writes nothing for the bonus. */
  public wagerOf(terms: ActiveBonusTerms, category: string | null, stake: bigint): BonusWager | null {
    const weight = (category !== null ? terms.gameWeights[category] : undefined) ?? terms.defaultWeight;
    const contribution = (stake * BigInt(weight)) / 100n;
    return contribution > 0n ? { bonusId: terms.id, stake, contribution } : null;
  }

  /** The wagers as a fragment of the ledger's batch statement (no round trip of their own). */
  public statement(placed: PlacedWager[]): AttachedStatement {
    return { key: 'bonus_wagers_v1', ctes: wagerCtes(true), values: valuesOf(placed), output: WAGER_OUTPUT };
  }

  /** The same writes on their own, in the ledger's transaction (the batch's other path). */
  public async recordIn(manager: EntityManager, placed: PlacedWager[]): Promise<void> {
    if (placed.length === 0) return;
    await manager.query(`WITH ${wagerCtes(false)} SELECT ${WAGER_OUTPUT}`, valuesOf(placed));
  }

  /** In the rollback's ledger transaction: the rolled-back bets' contributions taken back. */
  public async reverseIn(manager: EntityManager, betTransactionIds: string[]): Promise<void> {
    if (betTransactionIds.length === 0) return;
    await manager.query(REVERSE_WAGERS, [betTransactionIds]);
  }

  /** After a bet that counted: converts the bonus if the bet completed its wagering (a read by primary key). */
  public async afterBet(bonusId: string): Promise<void> {
    await this.endings.convertIfComplete(bonusId);
  }
}

function valuesOf(placed: PlacedWager[]): unknown[] {
  return [
    placed.map((item) => item.wager.bonusId),
    placed.map((item) => item.betTransactionId),
    placed.map((item) => item.wager.stake.toString()),
    placed.map((item) => item.wager.contribution.toString()),
  ];
}
