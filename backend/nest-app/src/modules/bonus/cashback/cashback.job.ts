import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../../common/time/clock';
import { PeriodicTask } from '../../../common/time/periodic-task';
import { AppConfig } from '../../../config/app-config';
import { PlayerBonusGrants } from '../player-bonuses/player-bonus-grants.service';
import type { BonusTemplate } from '../templates/bonus-template.types';
import { BonusTemplatesService } from '../templates/bonus-templates.service';
import { CashbackRepository } from './cashback.repository';

const DAY_MS = 86_400_000;

export interface CashbackPeriod {
  from: Date;
  to: Date;
}

export interface CashbackRun {
  templateId: string;
  period: CashbackPeriod;
  /** Players who lost in the period. */
  losers: number;
  granted: number;
  /** Already paid for this period (an earlier run) or not payable now (excluded, country, another active bonus). */
  notGranted: number;
}

/**
 * The last complete period of `periodDays` days before `now`: periods are aligned on 1970-01-01 UTC, so every run
 * within one period names the same one (and its grant keys).
 */
export function lastCompletePeriod(now: Date, periodDays: number): CashbackPeriod {
  const length = periodDays * DAY_MS;
  const to = Math.floor(now.getTime() / length) * length;
  return { from: new Date(to - length), to: new Date(to) };
}

/**
 * Cashback (docs/bonuses.md "Cashback"): for each active cashback template, each player's net cash loss of the
 * last complete period, computed from the ledger, times the template's percent, granted as an active bonus with
 * the template's wagering. Once per player and period: the grant key names template, period and player, so a
 * second run (or two processes at once) pays nothing more.
 */
@Injectable()
export class CashbackJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CashbackJob.name);
  private readonly periodic = new PeriodicTask('cashback run', this.logger, () => this.run());

  public constructor(
    private readonly templates: BonusTemplatesService,
    private readonly grants: PlayerBonusGrants,
    private readonly losses: CashbackRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  public onApplicationBootstrap(): void {
    this.periodic.start(this.config.BONUS_CASHBACK_INTERVAL_SECONDS);
  }

  public async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  public async run(now: Date = this.clock.now()): Promise<CashbackRun[]> {
    const templates = (await this.templates.list()).filter((template) => template.kind === 'cashback');
    const runs: CashbackRun[] = [];
    for (const template of templates) runs.push(await this.runTemplate(template, now));
    return runs;
  }

  private async runTemplate(template: BonusTemplate, now: Date): Promise<CashbackRun> {
    const period = lastCompletePeriod(now, template.periodDays ?? 1);
    const losers = await this.losses.netLosses(template.currency, period.from, period.to);
    const day = period.from.toISOString().slice(0, 10);
    let granted = 0;
    for (const { userId, netLoss } of losers) {
      const amount = (netLoss * BigInt(template.cashbackPercent ?? 0)) / 100n;
      const grantKey = `cashback:${template.id}:${day}:${userId}`;
      const answer = await this.grants.grantComputed(template, userId, amount, grantKey, 'cashback');
      if (answer?.granted) granted += 1;
    }
    const run = {
      templateId: template.id,
      period,
      losers: losers.length,
      granted,
      notGranted: losers.length - granted,
    };
    this.logger.log(run, 'cashback run');
    return run;
  }
}
