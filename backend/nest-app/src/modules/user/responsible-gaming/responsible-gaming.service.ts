import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AttachedStatement } from '../../../infra/database/attached-statement';
import type { Attachment, AttachedWriter } from '../../wallet/ledger/ledger-engine';
import { Clock } from '../../../common/time/clock';
import { PlayEligibilityService } from '../eligibility/play-eligibility.service';
import { UsersRepository } from '../users.repository';
import { userNotFound } from '../users.service';
import {
  RgActivityRepository,
  recordPlaysStatement,
  type ActivityTotals,
  type DepositRecord,
  type PlayRecord,
  type PlaySession,
} from './rg-activity.repository';
import { RgBetGateRepository } from './rg-bet-gate.repository';
import { RgExclusionsRepository } from './rg-exclusions.repository';
import { RgLimitsRepository } from './rg-limits.repository';
import { periodOf, type LimitPeriod } from './rg-limit-types';
import { periodWindow, utcDay } from './rg-periods';
import { applyingMoneyLimits, assertNoExclusion, assertWithinMoneyLimits, continuedSession } from './rg-rules';

export { SESSION_IDLE_MS } from './rg-rules';

export interface PlaySessionInfo {
  sessionStartedAt: string;
  realityCheckMinutes: number | null;
}

/**
 * A bet that passed the gate (`clearBet`). The play session it continues is written with its wager
 * (`recordClearedBet`), or alone when the bet then moved no money (`touchClearedSession`).
 */
export interface BetClearance {
  userId: string;
  currency: string;
  amount: bigint;
  session: PlaySession;
  /** The player has wager or loss limits in this currency: the bet's record checks them again (`recordPlaysIn`). */
  limitGuarded: boolean;
}

/** A gross deposit to count, and when it was credited (the first one fixes the account currency). */
interface CountedDeposit extends DepositRecord {
  at: Date;
}

/**
 * The one gate the payment and game modules ask before moving a player's money, and the
 * counters they feed after it moved. Exclusions block deposits, bets and launches; never
 * withdrawals, wins or rollbacks of rounds already open (those never call the asserts).
 */
@Injectable()
export class ResponsibleGamingService {
  /** Counts deposits inside the ledger's transaction of their credits (`depositAttachment`). */
  private readonly depositsInLedger: AttachedWriter<CountedDeposit> = {
    write: (manager, items) =>
      this.recordDepositsIn(
        manager,
        items.map(({ payload }) => payload),
      ),
  };

  public constructor(
    private readonly dataSource: DataSource,
    private readonly limits: RgLimitsRepository,
    private readonly exclusions: RgExclusionsRepository,
    private readonly activity: RgActivityRepository,
    private readonly betGate: RgBetGateRepository,
    private readonly users: UsersRepository,
    private readonly eligibility: PlayEligibilityService,
    private readonly clock: Clock,
  ) {}

  /**
   * The deposit gate: no exclusion in force, and every deposit limit holds with `amount` added to the period's
   * gross deposits and to `inFlight` (deposits the caller knows are under way and not counted yet, which then show
   * in the refusal's `used`). `manager`: read inside the caller's transaction (the payment gate's, under its lock).
   */
  public async assertCanDeposit(
    userId: string,
    amount: bigint,
    currency: string,
    options: { inFlight?: bigint; manager?: EntityManager } = {},
  ): Promise<void> {
    assertPositive(amount);
    const { inFlight = 0n, manager = this.dataSource.manager } = options;
    const now = this.clock.now();
    await this.assertNotExcluded(userId, now, manager);
    const limits = await this.limits.findAll(userId, manager);
    const periods = new Set<LimitPeriod>(
      applyingMoneyLimits(limits, ['deposit'])
        .filter((limit) => limit.currency === currency)
        .map((limit) => periodOf(limit.key)),
    );
    const totals = new Map<LimitPeriod, ActivityTotals>();
    for (const period of periods) {
      const window = periodWindow(period, now);
      const counted = await this.activity.totals(userId, currency, utcDay(window.start), utcDay(window.end), manager);
      totals.set(period, { ...counted, deposits: counted.deposits + inFlight });
    }
    assertWithinMoneyLimits(limits, ['deposit'], amount, currency, now, (period) => totals.get(period) ?? NO_TOTALS);
  }

  /** The bet gate, and the play session continued at once. */
  public async assertCanBet(userId: string, amount: bigint, currency: string): Promise<void> {
    const { session } = await this.gateBet(userId, amount, currency, false);
    await this.activity.saveSession(userId, session);
  }

  /**
   * The bet gate of the money path in one read, fresh on every bet (nothing cached): the account is active and
   * eligible for real money (current terms accepted, age verified: TERMS_NOT_ACCEPTED, AGE_NOT_VERIFIED), no
   * exclusion is in force, the wager and loss limits hold and the session time limit is not reached. Writes
   * nothing; the caller records the outcome with `recordClearedBet` or `touchClearedSession`.
   */
  public async clearBet(userId: string, amount: bigint, currency: string): Promise<BetClearance> {
    const { session, limitGuarded } = await this.gateBet(userId, amount, currency, true);
    return { userId, currency, amount, session, limitGuarded };
  }

  /** The cleared bet moved money: its wager and its play session, in one statement. */
  public async recordClearedBet(clearance: BetClearance, at: Date): Promise<void> {
    const { userId, currency, amount, session } = clearance;
    await this.activity.recordBetActivity(userId, currency, utcDay(at), amount, session);
  }

  /** What `recordClearedBet` writes, for a caller that writes it inside its own transaction (`recordPlaysIn`). */
  public clearedBetRecord(clearance: BetClearance, at: Date): PlayRecord {
    const { userId, currency, amount, session, limitGuarded } = clearance;
    return {
      userId,
      currency,
      day: utcDay(at),
      wagers: amount,
      session,
      ...(limitGuarded ? { guardLimitsAt: at } : {}),
    };
  }

  /** What `recordWin` writes, for a caller that writes it inside its own transaction (`recordPlaysIn`). */
  public winRecord(userId: string, amount: bigint, currency: string, at: Date): PlayRecord {
    assertPositive(amount);
    return { userId, currency, day: utcDay(at), wins: amount };
  }

  /**
   * What a rolled-back bet (`wagers`) or win (`wins`) had added to the counters of the day it was made
   * (`countedAt`), to take back in the rollback's own transaction (`recordPlaysIn`).
   */
  public reversalRecord(
    userId: string,
    counter: 'wagers' | 'wins',
    amount: bigint,
    currency: string,
    countedAt: Date,
  ): PlayRecord {
    assertPositive(amount);
    return { userId, currency, day: utcDay(countedAt), [counter]: -amount };
  }

  /**
   * Wagers, wins and play-session touches written in the caller's transaction, in one statement. A record with
   * `guardLimitsAt` is then checked against the player's wager and loss limits as they stand with it, and the
   * call throws the limit's error when it went over: under the ledger's lock of the player's accounts every bet
   * of the player is serialised, so concurrent bets cannot pass a limit together (the gate's read cannot see
   * bets still on their way).
   */
  /**
   * `recordPlaysIn`'s writes as a fragment of the caller's statement, when nothing needs a read after them (no
   * reversal, no limit to check again); null otherwise, and the caller uses `recordPlaysIn`.
   */
  public playsStatement(records: PlayRecord[]): AttachedStatement | null {
    if (records.some((record) => record.guardLimitsAt !== undefined)) return null;
    return recordPlaysStatement(records);
  }

  public async recordPlaysIn(manager: EntityManager, records: PlayRecord[]): Promise<void> {
    await this.activity.recordPlaysIn(manager, records);
    const guarded = records.filter((record) => record.guardLimitsAt !== undefined);
    if (guarded.length === 0) return;
    const gates = await this.betGate.readIn(
      manager,
      guarded.map((record) => ({
        userId: record.userId,
        currency: record.currency,
        now: record.guardLimitsAt ?? new Date(),
      })),
    );
    guarded.forEach((record, index) => {
      const gate = gates[index];
      const at = record.guardLimitsAt;
      if (!gate || !at) return;
      assertWithinMoneyLimits(gate.limits, ['wager', 'loss'], 0n, record.currency, at, (period) => gate.totals[period]);
    });
  }

  /** The cleared bet moved no money (refused by the wallet, replayed, failed): it still continued the session. */
  public async touchClearedSession(clearance: BetClearance): Promise<void> {
    const { userId, currency, session } = clearance;
    await this.activity.recordBetActivity(userId, currency, utcDay(session.lastActivityAt), null, session);
  }

  /** Throws RG_SELF_EXCLUDED or RG_TIMED_OUT while an exclusion runs (no bonus offers to excluded players). */
  public async assertNotExcludedNow(userId: string): Promise<void> {
    await this.assertNotExcluded(userId, this.clock.now());
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
    const deposit = countedDeposit(userId, amount, currency, at);
    await this.dataSource.transaction((manager) => this.recordDepositsIn(manager, [deposit]));
  }

  /**
   * What `recordDeposit` writes, as an attachment of the wallet's deposit (`WalletService.deposit`): written in the
   * credit's own transaction when it moves money and never on a replay or a refusal, so a deposit is counted
   * exactly once, together with its money, whatever retries the credit.
   */
  public depositAttachment(userId: string, amount: bigint, currency: string, at: Date): Attachment {
    const attachment: Attachment<CountedDeposit> = {
      writer: this.depositsInLedger,
      payload: countedDeposit(userId, amount, currency, at),
    };
    return attachment as Attachment;
  }

  public async recordBet(userId: string, amount: bigint, currency: string, at: Date): Promise<void> {
    assertPositive(amount);
    await this.activity.add(this.dataSource.manager, userId, currency, utcDay(at), 'wagers', amount);
  }

  /** On the money path: coalesced with the other play records arriving at once. */
  public async recordWin(userId: string, amount: bigint, currency: string, at: Date): Promise<void> {
    assertPositive(amount);
    await this.activity.recordPlay({ userId, currency, day: utcDay(at), wins: amount });
  }

  /** The deposits' counters in one statement, then each player's currency fixed (players in id order). */
  private async recordDepositsIn(manager: EntityManager, deposits: CountedDeposit[]): Promise<void> {
    await this.activity.addDeposits(manager, deposits);
    const firstByUser = new Map<string, Date>();
    for (const deposit of deposits) if (!firstByUser.has(deposit.userId)) firstByUser.set(deposit.userId, deposit.at);
    for (const [userId, at] of [...firstByUser].sort(([a], [b]) => a.localeCompare(b))) {
      await this.users.lockCurrency(manager, userId, at);
    }
  }

  private async assertNotExcluded(
    userId: string,
    now: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const [active] = await this.exclusions.findActive(userId, now, manager);
    assertNoExclusion(active);
  }

  private async gateBet(
    userId: string,
    amount: bigint,
    currency: string,
    checkAccount: boolean,
  ): Promise<{ session: PlaySession; limitGuarded: boolean }> {
    assertPositive(amount);
    const now = this.clock.now();
    const gate = await this.betGate.read(userId, currency, now);
    if (checkAccount && gate.userStatus === null) throw userNotFound(userId);
    if (checkAccount && gate.userStatus !== 'active') {
      throw new DomainError('ACCOUNT_NOT_ACTIVE', 'The account may not bet', { status: gate.userStatus });
    }
    if (checkAccount) this.eligibility.assertFacts(gate.eligibility);
    assertNoExclusion(gate.exclusion);
    assertWithinMoneyLimits(gate.limits, ['wager', 'loss'], amount, currency, now, (period) => gate.totals[period]);
    const sessionLimit = gate.limits.find((limit) => limit.key === 'sessionTimeMinutes');
    const session = continuedSession(gate.session, sessionLimit?.value ? Number(sessionLimit.value) : null, now);
    const limitGuarded = applyingMoneyLimits(gate.limits, ['wager', 'loss']).some(
      (limit) => limit.currency === currency,
    );
    return { session, limitGuarded };
  }

  private async continueSession(userId: string, now: Date): Promise<PlaySession> {
    const existing = await this.activity.findSession(userId);
    const sessionLimit = existing
      ? (await this.limits.findAll(userId)).find((limit) => limit.key === 'sessionTimeMinutes')
      : undefined;
    const session = continuedSession(existing, sessionLimit?.value ? Number(sessionLimit.value) : null, now);
    await this.activity.saveSession(userId, session);
    return session;
  }
}

function countedDeposit(userId: string, amount: bigint, currency: string, at: Date): CountedDeposit {
  assertPositive(amount);
  return { userId, currency, day: utcDay(at), amount, at };
}

const NO_TOTALS: ActivityTotals = { deposits: 0n, wagers: 0n, wins: 0n };

function assertPositive(amount: bigint): void {
  if (amount <= 0n) throw new RangeError('Responsible-gaming amounts are positive minor units');
}
