import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { UsersRepository } from '../users.repository';
import { RgActivityRepository, type ActivityTotals, type PlaySession } from './rg-activity.repository';
import { RgExclusionsRepository } from './rg-exclusions.repository';
import { RgLimitsRepository, type StoredLimit } from './rg-limits.repository';
import { isMoneyLimitKey, periodOf, type MoneyLimitKey, type MoneyLimitKind } from './rg-limit-types';
import { periodWindow, utcDay } from './rg-periods';

/** A pause this long ends a play session; the next launch or bet starts a new one. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

const LIMIT_CODES: Record<MoneyLimitKind, string> = {
  deposit: 'RG_DEPOSIT_LIMIT_REACHED',
  loss: 'RG_LOSS_LIMIT_REACHED',
  wager: 'RG_WAGER_LIMIT_REACHED',
};

/** How much of a limit an activity would use, given the period's totals and the new amount. */
const USAGE: Record<MoneyLimitKind, (totals: ActivityTotals) => bigint> = {
  deposit: (totals) => totals.deposits,
  wager: (totals) => totals.wagers,
  // Net loss: a new stake counts in full, as if it were lost.
  loss: (totals) => totals.wagers - totals.wins,
};

export interface PlaySessionInfo {
  sessionStartedAt: string;
  realityCheckMinutes: number | null;
}

/**
 * The one gate the payment and game modules ask before moving a player's money, and the
 * counters they feed after it moved. Exclusions block deposits, bets and launches; never
 * withdrawals, wins or rollbacks of rounds already open (those never call the asserts).
 */
@Injectable()
export class ResponsibleGamingService {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly limits: RgLimitsRepository,
    private readonly exclusions: RgExclusionsRepository,
    private readonly activity: RgActivityRepository,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  public async assertCanDeposit(userId: string, amount: bigint, currency: string): Promise<void> {
    assertPositive(amount);
    const now = this.clock.now();
    await this.assertNotExcluded(userId, now);
    await this.assertWithinMoneyLimits(userId, ['deposit'], amount, currency, now);
  }

  public async assertCanBet(userId: string, amount: bigint, currency: string): Promise<void> {
    assertPositive(amount);
    const now = this.clock.now();
    await this.assertNotExcluded(userId, now);
    await this.assertWithinMoneyLimits(userId, ['wager', 'loss'], amount, currency, now);
    await this.continueSession(userId, now);
  }

  /** Starts or continues the play session; answers when it started and how often to remind the player. */
  public async assertCanLaunchGame(userId: string): Promise<PlaySessionInfo> {
    const now = this.clock.now();
    await this.assertNotExcluded(userId, now);
    const session = await this.continueSession(userId, now);
    const realityCheck = (await this.limits.findAll(userId)).find((limit) => limit.key === 'realityCheckMinutes');
    return {
      sessionStartedAt: session.startedAt.toISOString(),
      realityCheckMinutes: realityCheck?.value ? Number(realityCheck.value) : null,
    };
  }

  /** A gross deposit credited to the player; the first one also fixes the account currency. */
  public async recordDeposit(userId: string, amount: bigint, currency: string, at: Date): Promise<void> {
    assertPositive(amount);
    await this.dataSource.transaction(async (manager) => {
      await this.activity.add(manager, userId, currency, utcDay(at), 'deposits', amount);
      await this.users.lockCurrency(manager, userId, at);
    });
  }

  public async recordBet(userId: string, amount: bigint, currency: string, at: Date): Promise<void> {
    assertPositive(amount);
    await this.activity.add(this.dataSource.manager, userId, currency, utcDay(at), 'wagers', amount);
  }

  public async recordWin(userId: string, amount: bigint, currency: string, at: Date): Promise<void> {
    assertPositive(amount);
    await this.activity.add(this.dataSource.manager, userId, currency, utcDay(at), 'wins', amount);
  }

  private async assertNotExcluded(userId: string, now: Date): Promise<void> {
    const [active] = await this.exclusions.findActive(userId, now);
    if (!active) return;
    const until = active.endsAt?.toISOString() ?? null;
    if (active.kind === 'self_exclusion') {
      throw new DomainError('RG_SELF_EXCLUDED', 'The player is self-excluded', { until });
    }
    throw new DomainError('RG_TIMED_OUT', 'The player has taken a time-out', { until });
  }

  /** Refuses when any applying limit would be exceeded; names the one that resets last. */
  private async assertWithinMoneyLimits(
    userId: string,
    kinds: MoneyLimitKind[],
    amount: bigint,
    currency: string,
    now: Date,
  ): Promise<void> {
    const applying = (await this.limits.findAll(userId)).filter(
      (limit): limit is StoredLimit & { key: MoneyLimitKey; value: bigint } =>
        isMoneyLimitKey(limit.key) && limit.value !== null && kinds.some((kind) => limit.key.startsWith(kind)),
    );
    for (const kind of kinds) {
      const breaches: Record<string, unknown>[] = [];
      for (const limit of applying.filter((candidate) => candidate.key.startsWith(kind))) {
        if (limit.currency !== currency) {
          throw new DomainError('RG_LIMIT_CURRENCY_MISMATCH', 'The limit is set in another currency', {
            limitCurrency: limit.currency,
            currency,
          });
        }
        const period = periodOf(limit.key);
        const window = periodWindow(period, now);
        const totals = await this.activity.totals(userId, currency, utcDay(window.start), utcDay(window.end));
        const used = USAGE[kind](totals);
        if (used + amount > limit.value) {
          const remaining = limit.value > used ? limit.value - used : 0n;
          breaches.push({
            period,
            limit: limit.value.toString(),
            used: used.toString(),
            remaining: remaining.toString(),
            currency,
            resetsAt: window.end.toISOString(),
          });
        }
      }
      if (breaches.length > 0) {
        const latest = breaches.reduce((a, b) => (String(a['resetsAt']) >= String(b['resetsAt']) ? a : b));
        throw new DomainError(LIMIT_CODES[kind], `The ${kind} limit would be exceeded`, latest);
      }
    }
  }

  private async continueSession(userId: string, now: Date): Promise<PlaySession> {
    const existing = await this.activity.findSession(userId);
    if (!existing || now.getTime() - existing.lastActivityAt.getTime() >= SESSION_IDLE_MS) {
      const fresh = { startedAt: now, lastActivityAt: now };
      await this.activity.saveSession(userId, fresh);
      return fresh;
    }
    const sessionLimit = (await this.limits.findAll(userId)).find((limit) => limit.key === 'sessionTimeMinutes');
    if (sessionLimit?.value && now.getTime() - existing.startedAt.getTime() >= Number(sessionLimit.value) * 60_000) {
      throw new DomainError('RG_SESSION_LIMIT_REACHED', 'The session time limit is reached; take a break', {
        sessionStartedAt: existing.startedAt.toISOString(),
        limitMinutes: Number(sessionLimit.value),
        resetsAt: new Date(existing.lastActivityAt.getTime() + SESSION_IDLE_MS).toISOString(),
      });
    }
    const continued = { startedAt: existing.startedAt, lastActivityAt: now };
    await this.activity.saveSession(userId, continued);
    return continued;
  }
}

function assertPositive(amount: bigint): void {
  if (amount <= 0n) throw new RangeError('Responsible-gaming amounts are positive minor units');
}
