import { DomainError } from '@casino/contracts';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../../common/time/clock';
import { PeriodicTask } from '../../../common/time/periodic-task';
import { AppConfig } from '../../../config/app-config';
import { PlayerBonusEndings } from './player-bonus-endings.service';
import { PlayerBonusesRepository } from './player-bonuses.repository';

const SWEEP_BATCH = 200;
/** A bonus completed this recently is left to the bet that completed it (it converts right after its answer). */
const CONVERSION_GRACE_MS = 30_000;

export interface BonusSweepResult {
  expired: number;
  converted: number;
}

/**
 * Every BONUS_SWEEP_INTERVAL_SECONDS (the game session sweeper's pattern): expires offered and active bonuses past
 * `expires_at`, and converts bonuses whose wagering completed but whose conversion did not happen (a failure or a
 * crash between the bet and its conversion). Candidates are read with SKIP LOCKED (a bonus being ended elsewhere
 * is left to that); each ending then moves its money under its own ledger key (`expire:<id>`, `convert:<id>`) and
 * re-checks the status under the row lock in the money's transaction, so two instances sweeping at once, or a sweep
 * racing a forfeit, end a bonus once and the loser moves nothing.
 */
@Injectable()
export class BonusLifeCycleSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BonusLifeCycleSweeper.name);
  private readonly periodic = new PeriodicTask('bonus sweep', this.logger, () => this.sweep());

  public constructor(
    private readonly bonuses: PlayerBonusesRepository,
    private readonly endings: PlayerBonusEndings,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  public onApplicationBootstrap(): void {
    this.periodic.start(this.config.BONUS_SWEEP_INTERVAL_SECONDS);
  }

  public async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  /** One pass: every bonus due now; answers what this call ended (a concurrent sweep's share is not counted). */
  public async sweep(): Promise<BonusSweepResult> {
    const converted = await this.convertStuck();
    const expired = await this.expireDue();
    if (expired + converted > 0) this.logger.log({ expired, converted }, 'bonus sweep');
    return { expired, converted };
  }

  private async expireDue(): Promise<number> {
    let expired = 0;
    const seen = new Set<string>();
    for (;;) {
      const ids = (await this.bonuses.expiredIds(this.clock.now(), SWEEP_BATCH)).filter((id) => !seen.has(id));
      for (const id of ids) {
        seen.add(id);
        if (await this.expireOne(id)) expired += 1;
      }
      if (ids.length < SWEEP_BATCH) return expired;
    }
  }

  private async expireOne(id: string): Promise<boolean> {
    const bonus = await this.bonuses.findById(id);
    if (!bonus || (bonus.status !== 'offered' && bonus.status !== 'active')) return false;
    try {
      return await this.endings.expire(bonus);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'BONUS_TRANSITION_NOT_ALLOWED') return false;
      this.logger.warn({ err: error, bonusId: id }, 'bonus expiry failed; the next sweep retries it');
      return false;
    }
  }

  private async convertStuck(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - CONVERSION_GRACE_MS);
    let converted = 0;
    const seen = new Set<string>();
    for (;;) {
      const ids = (await this.bonuses.awaitingConversionIds(before, SWEEP_BATCH)).filter((id) => !seen.has(id));
      for (const id of ids) {
        seen.add(id);
        if (await this.endings.convertIfComplete(id)) converted += 1;
      }
      if (ids.length < SWEEP_BATCH) return converted;
    }
  }
}
