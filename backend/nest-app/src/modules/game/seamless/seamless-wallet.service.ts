import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import {
  BonusWagering,
  FreeSpinPlayService,
  type ActiveBonusTerms,
  type BonusWager,
  type FreeSpinPlay,
  type FreeSpinRefusal,
} from '../../bonus';
import type { PlayRecord } from '../../user/responsible-gaming/rg-activity.repository';
import { ResponsibleGamingService, type BetClearance } from '../../user/responsible-gaming/responsible-gaming.service';
import { PlayEligibilityService } from '../../user/eligibility/play-eligibility.service';
import { UsersService } from '../../user/users.service';
import { WalletService } from '../../wallet/wallet.service';
import { GameSessionsService } from '../sessions/game-sessions.service';
import { fingerprintOf } from './fingerprint';
import { failureOf, storedFailure } from './game-wallet-failure';
import type {
  BetCommand,
  GameWalletFailure,
  GameWalletOutcome,
  PlayerBalance,
  ProviderRef,
  RollbackCommand,
  SessionQuery,
  TransactionCommand,
  WinCommand,
} from './game-wallet.types';
import {
  GameTransactionsRepository,
  type GameTransactionRow,
  type NewGameTransaction,
  type StoredWalletCommand,
} from './game-transactions.repository';
import { RollbackFlow } from './rollback.flow';
import { WalletDriver } from './wallet-driver';

/** How long a request waits for another request's in-flight transaction to settle. */
const SETTLE_WAIT_MS = 3_000;
const SETTLE_POLL_MS = 20;
/** A pending row this old lost its request (a crash): the next request that needs it drives it itself. */
export const STALE_PENDING_MS = 15_000;
const MAX_EXTERNAL_ID_LENGTH = 150;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A bet or win past its first checks: whose it is, and how to refuse it with the balance. */
interface MoneyCall {
  userId: string;
  currency: string;
  sessionId: string;
  refuse(failure: GameWalletFailure): Promise<GameWalletOutcome>;
}

export interface PlayerInfo {
  userId: string;
  country: string | null;
  birthDate: string | null;
  registeredAt: Date;
  currency: string;
}

/**
 * The seamless wallet of every provider protocol: balance, bet, win and rollback with sessions,
 * idempotency by the provider's transaction id, tombstones, rounds. Money moves only through WalletService.
 */
@Injectable()
export class SeamlessWalletService {
  private readonly logger = new Logger(SeamlessWalletService.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: GameSessionsService,
    private readonly transactions: GameTransactionsRepository,
    private readonly driver: WalletDriver,
    private readonly rollbacks: RollbackFlow,
    private readonly wallets: WalletService,
    private readonly users: UsersService,
    private readonly responsibleGaming: ResponsibleGamingService,
    private readonly eligibility: PlayEligibilityService,
    private readonly bonusWagering: BonusWagering,
    private readonly freeSpins: FreeSpinPlayService,
    private readonly clock: Clock,
  ) {}

  /** The player's details for the provider (Hub88 `/user/info`: keyed by user id, no token). */
  public async playerInfo(userId: string): Promise<PlayerInfo | null> {
    if (!UUID_PATTERN.test(userId)) return null;
    const user = await this.users.getRecord(userId).catch((error: unknown) => {
      if (failureOf(error) === 'INVALID_TOKEN') return null;
      throw error;
    });
    if (!user) return null;
    return {
      userId: user.id,
      country: user.country,
      birthDate: user.birthDate,
      registeredAt: user.createdAt,
      currency: user.currency,
    };
  }

  public async balance(query: SessionQuery & { gameCode: string | null }): Promise<GameWalletOutcome> {
    const resolved = await this.sessions.resolve(query);
    if (!resolved.ok) return { ok: false, failure: resolved.failure };
    const { userId, currency } = resolved.session;
    if (
      query.gameCode !== null &&
      !(await this.transactions.gameExists(query.provider.id, query.gameCode, this.clock.now().getTime()))
    ) {
      return { ok: false, failure: 'INVALID_GAME', balance: await this.currentBalance(userId, currency) };
    }
    return { ok: true, replayed: false, ...(await this.currentBalance(userId, currency)) };
  }

  public async bet(command: BetCommand): Promise<GameWalletOutcome> {
    const opened = await this.openMoneyCall(command);
    if ('outcome' in opened) return opened.outcome;
    const { userId, currency, sessionId, refuse } = opened;
    const now = this.clock.now().getTime();
    const category = await this.transactions.gameCategory(command.provider.id, command.gameCode, now);
    if (category === null) return refuse('INVALID_GAME');
    const fingerprint = fingerprintOf(command, userId);
    const rewarded = Boolean(command.rewardUuid);
    const walletCommand: StoredWalletCommand = {
      type: 'bet',
      ...this.walletKey(command.provider, command.transactionId),
      userId,
      currency,
      // A reward's spin is prepaid at the provider: it debits nothing from the player (docs/bonuses.md).
      amount: rewarded ? '0' : command.amount.toString(),
      funding: command.isFree && !rewarded ? 'bonus_only' : 'cash_first',
      metadata: this.metadataOf(command),
    };
    // The RG read and the active bonus's read write nothing, so they run beside the claim (ADR 0011).
    const [claimed, gate, bonus, spin] = await Promise.all([
      this.transactions.claim({
        ...this.rowBase(command, userId, sessionId, currency, fingerprint),
        kind: 'bet',
        amount: command.amount,
        isFree: command.isFree,
        isPromo: command.isPromo,
        walletCommand,
      }),
      this.responsibleGamingGate(command, userId, currency),
      this.activeBonusFor(command, userId),
      this.freeSpinOf(command, userId, 'bet'),
    ]);
    if (!claimed) return this.replay(command, fingerprint, userId, currency);
    const failure =
      gate.failure ??
      ('failure' in spin ? spin.failure : null) ??
      (bonus ? this.maxBetFailure(bonus, command.amount) : null);
    if (failure) {
      await this.driver.finishRefused(claimed, failure, command.provider.code);
      if (gate.clearance) await this.touchSession(gate.clearance);
      return refuse(failure);
    }
    const wager = bonus ? this.bonusWagering.wagerOf(bonus, category, command.amount) : null;
    const clearance = gate.clearance;
    // The wager and the play session are written with the money, in the ledger's transaction (ADR 0011).
    const play = clearance ? this.responsibleGaming.clearedBetRecord(clearance, this.clock.now()) : undefined;
    let outcome: GameWalletOutcome | null = null;
    try {
      const freeSpin = 'play' in spin ? spin.play : undefined;
      outcome = await this.outcomeOfDrive(claimed, command.provider, userId, currency, play, { wager, freeSpin });
      // The bet may have completed the wagering: convert now (the bet's answer keeps the balance before).
      if (wager && outcome.ok && !outcome.replayed) await this.bonusWagering.afterBet(wager.bonusId);
      return outcome;
    } finally {
      const moved = outcome?.ok === true && !outcome.replayed;
      if (clearance && !moved) await this.touchSession(clearance);
    }
  }

  /**
   * What a bet or a win checks first: a live session, a sane transaction id, the session's currency.
   * Refusals carry the player's balance, as the protocols expect.
   */
  private async openMoneyCall(command: BetCommand | WinCommand): Promise<{ outcome: GameWalletOutcome } | MoneyCall> {
    const resolved = await this.sessions.resolve(command);
    if (!resolved.ok) return { outcome: { ok: false, failure: resolved.failure } };
    const { userId, currency, id: sessionId } = resolved.session;
    const refuse = async (failure: GameWalletFailure): Promise<GameWalletOutcome> => ({
      ok: false,
      failure,
      balance: await this.currentBalance(userId, currency),
    });
    if (command.transactionId.length > MAX_EXTERNAL_ID_LENGTH) return { outcome: await refuse('INVALID_REQUEST') };
    if (command.currency !== currency) return { outcome: await refuse('WRONG_CURRENCY') };
    return { userId, currency, sessionId, refuse };
  }

  /** A cleared bet that moved no money (refused by the wallet, replayed, failed) still continued the play session. */
  private async touchSession(clearance: BetClearance): Promise<void> {
    await this.responsibleGaming.touchClearedSession(clearance).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not record a bet for responsible-gaming totals');
    });
  }

  public async win(command: WinCommand): Promise<GameWalletOutcome> {
    const opened = await this.openMoneyCall(command);
    if ('outcome' in opened) return opened.outcome;
    const { userId, currency, sessionId, refuse } = opened;
    const fingerprint = fingerprintOf(command, userId);
    const spin = await this.freeSpinOf(command, userId, 'win');
    if ('failure' in spin) return refuse(spin.failure);
    const row: NewGameTransaction = {
      ...this.rowBase(command, userId, sessionId, currency, fingerprint),
      kind: 'win',
      amount: command.amount,
      isFree: command.isFree,
      isPromo: command.isPromo,
      walletCommand: {
        type: 'win',
        ...this.walletKey(command.provider, command.transactionId),
        userId,
        currency,
        amount: command.amount.toString(),
        toBonus: command.isFree,
        metadata: this.metadataOf(command),
      },
    };
    const reference = command.referenceTransactionId;
    if (reference !== null) {
      // The common case in one statement; a bet still being applied takes the waiting path below.
      const fast = await this.transactions.claimWin(row, reference);
      if (fast.claimed) return this.afterWin(command, fast.claimed, userId, currency, spin.play);
      if (fast.known) return this.replay(command, fingerprint, userId, currency);
      if (fast.bet?.status !== 'pending') {
        const refusal = winRefusal(fast.bet, userId);
        // Allowed but not inserted: a concurrent duplicate took the id first.
        return refusal ? refuse(refusal) : this.replay(command, fingerprint, userId, currency);
      }
      await this.settled(command.provider, reference);
    }
    const decision = await this.dataSource.transaction(async (manager) => {
      const bet =
        reference === null ? null : await this.transactions.find(command.provider.id, reference, manager, true);
      const refusal = reference === null ? null : winRefusal(bet, userId);
      if (refusal) return { refusal };
      return { claimed: await this.transactions.claim(row, manager) };
    });
    if ('refusal' in decision && decision.refusal) return refuse(decision.refusal);
    const claimed = 'claimed' in decision ? decision.claimed : null;
    if (!claimed) return this.replay(command, fingerprint, userId, currency);
    return this.afterWin(command, claimed, userId, currency, spin.play);
  }

  private async afterWin(
    command: WinCommand,
    claimed: GameTransactionRow,
    userId: string,
    currency: string,
    freeSpin?: FreeSpinPlay,
  ): Promise<GameWalletOutcome> {
    // The win counter is written with the money, in the ledger's transaction (ADR 0011).
    const play =
      command.amount > 0n && !command.isFree
        ? this.responsibleGaming.winRecord(userId, command.amount, currency, this.clock.now())
        : undefined;
    return this.outcomeOfDrive(claimed, command.provider, userId, currency, play, freeSpin ? { freeSpin } : {});
  }

  /**
   * A call naming a free-bet reward must name one granted to this player for this game (docs/bonuses.md "Free
   * spins"); a bet also needs a spin left on a live reward. No reward named: nothing to check.
   */
  private async freeSpinOf(
    command: BetCommand | WinCommand,
    userId: string,
    kind: 'bet' | 'win',
  ): Promise<{ failure: GameWalletFailure } | { play?: FreeSpinPlay }> {
    if (!command.rewardUuid) return {};
    const checked = await this.freeSpins.check({
      providerCode: command.provider.code,
      rewardUuid: command.rewardUuid,
      userId,
      gameCode: command.gameCode,
      spin: kind === 'bet',
    });
    if ('refusal' in checked) return { failure: FREE_SPIN_FAILURES[checked.refusal] };
    return { play: { rewardId: checked.reward.id, kind, amount: kind === 'win' ? command.amount : 0n } };
  }

  public async rollback(command: RollbackCommand): Promise<GameWalletOutcome> {
    const resolved = await this.sessions.resolve(command);
    if (!resolved.ok) return { ok: false, failure: resolved.failure };
    const { userId, currency, id: sessionId } = resolved.session;
    const fingerprint = fingerprintOf(command, userId);
    if (
      command.transactionId.length > MAX_EXTERNAL_ID_LENGTH ||
      command.referenceTransactionId.length > MAX_EXTERNAL_ID_LENGTH
    ) {
      return { ok: false, failure: 'INVALID_REQUEST', balance: await this.currentBalance(userId, currency) };
    }
    const known = await this.transactions.find(command.provider.id, command.transactionId);
    if (known) return this.replay(command, fingerprint, userId, currency);
    const target = await this.settled(command.provider, command.referenceTransactionId);
    if (target?.status === 'pending') return { ok: false, failure: 'RETRY_LATER' };
    const base = this.rowBase(command, userId, sessionId, currency, fingerprint);
    const walletCommand: StoredWalletCommand = {
      type: 'rollback',
      ...this.walletKey(command.provider, command.transactionId),
      targetKey: command.referenceTransactionId,
      metadata: this.metadataOf(command),
    };
    const result = await this.rollbacks.start(command, base, walletCommand, userId);
    if (result.kind === 'replay') return this.replay(command, fingerprint, userId, currency);
    if (result.kind === 'refused')
      return { ok: false, failure: result.failure, balance: await this.currentBalance(userId, currency) };
    if (result.kind === 'done') return { ok: true, replayed: false, ...(await this.currentBalance(userId, currency)) };
    const reversesWagerOf = result.target.kind === 'bet' ? (result.target.walletTransactionId ?? undefined) : undefined;
    return this.outcomeOfDrive(result.row, command.provider, userId, currency, this.reversedPlay(result.target), {
      reversesWagerOf,
    });
  }

  /**
   * What the rolled-back bet or win had added to the RG counters (stakes and wins of real money only), to take
   * back with the money, on the day that counted it: limits then see only what was really played.
   */
  private reversedPlay(target: GameTransactionRow): PlayRecord | undefined {
    const amount = target.amount === null ? 0n : BigInt(target.amount);
    if (amount <= 0n || target.isFree || !target.userId || !target.currency) return undefined;
    if (target.kind !== 'bet' && target.kind !== 'win') return undefined;
    const counter = target.kind === 'bet' ? 'wagers' : 'wins';
    return this.responsibleGaming.reversalRecord(
      target.userId,
      counter,
      amount,
      target.currency,
      new Date(target.createdAt),
    );
  }

  /** The answer to a transaction id seen before (reference §4.2): same data → as the first time; other data → duplicate. */
  private async replay(
    command: TransactionCommand,
    fingerprint: string,
    userId: string,
    currency: string,
  ): Promise<GameWalletOutcome> {
    const balance = async (): Promise<PlayerBalance> => this.currentBalance(userId, currency);
    let row = await this.transactions.find(command.provider.id, command.transactionId);
    if (!row) return { ok: false, failure: 'RETRY_LATER' };
    if (row.kind === 'tombstone') {
      // A rollback named this id before it arrived (§4.4): the late transaction moves no money.
      return { ok: false, failure: 'TRANSACTION_ROLLED_BACK', balance: await balance() };
    }
    if (row.kind !== command.kind || row.fingerprint !== fingerprint) {
      return { ok: false, failure: 'DUPLICATE_TRANSACTION', balance: await balance() };
    }
    if (row.status === 'pending') {
      row = (await this.settled(command.provider, command.transactionId)) ?? row;
      if (row.status === 'pending') return { ok: false, failure: 'RETRY_LATER' };
    }
    if (row.status === 'refused') {
      return { ok: false, failure: storedFailure(row.failure), balance: await balance() };
    }
    return { ok: true, replayed: true, ...(await balance()) };
  }

  /**
   * Waits while the transaction is pending; drives it itself when its request is gone (stale).
   * Answers the row as it is then (null when the id is unknown).
   */
  private async settled(provider: ProviderRef, externalId: string): Promise<GameTransactionRow | null> {
    const deadline = Date.now() + SETTLE_WAIT_MS;
    for (;;) {
      const row = await this.transactions.find(provider.id, externalId);
      if (!row || row.status !== 'pending') return row;
      if (row.ageMs > STALE_PENDING_MS) {
        await this.driver.drive(row, provider.code);
        return this.transactions.find(provider.id, externalId);
      }
      if (Date.now() >= deadline) return row;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
  }

  private async outcomeOfDrive(
    row: GameTransactionRow,
    provider: ProviderRef,
    userId: string,
    currency: string,
    play?: PlayRecord,
    bonus: { wager?: BonusWager | null; reversesWagerOf?: string; freeSpin?: FreeSpinPlay } = {},
  ): Promise<GameWalletOutcome> {
    const driven = await this.driver.drive(row, provider.code, play, {
      ...(bonus.wager ? { wager: bonus.wager } : {}),
      ...(bonus.freeSpin ? { freeSpin: bonus.freeSpin } : {}),
      ...(bonus.reversesWagerOf ? { reversesWagerOf: bonus.reversesWagerOf } : {}),
    });
    if (!driven.ok) return { ok: false, failure: driven.failure, balance: await this.currentBalance(userId, currency) };
    if (driven.result === null) return { ok: true, replayed: false, ...(await this.currentBalance(userId, currency)) };
    return { ok: true, replayed: driven.result.replayed, userId, currency, balance: driven.result.balances.available };
  }

  /**
   * RG on the money path (bets only), in one read: the account status, real-money eligibility and, for a stake,
   * the responsible-gaming gate. The caller records a refusal as the bet's final answer.
   */
  private async responsibleGamingGate(
    command: BetCommand,
    userId: string,
    currency: string,
  ): Promise<{ failure: GameWalletFailure | null; clearance: BetClearance | null }> {
    if (command.amount > 0n && !command.isFree) {
      try {
        return { failure: null, clearance: await this.responsibleGaming.clearBet(userId, command.amount, currency) };
      } catch (error) {
        const failure = failureOf(error);
        if (failure === null) throw error;
        return { failure, clearance: null };
      }
    }
    // A free or zero stake skips RG, not the account status nor real-money eligibility (its win is real money).
    if ((await this.users.getRecord(userId)).status !== 'active') return { failure: 'USER_DISABLED', clearance: null };
    try {
      await this.eligibility.assertEligible(userId);
    } catch (error) {
      const failure = failureOf(error);
      if (failure === null) throw error;
      return { failure, clearance: null };
    }
    return { failure: null, clearance: null };
  }

  /** The player's active bonus for a real-money stake (free and zero stakes neither count nor are capped). */
  private activeBonusFor(command: BetCommand, userId: string): Promise<ActiveBonusTerms | null> {
    if (command.isFree || command.amount <= 0n) return Promise.resolve(null);
    return this.bonusWagering.activeTermsOf(userId);
  }

  private maxBetFailure(bonus: ActiveBonusTerms, stake: bigint): GameWalletFailure | null {
    try {
      this.bonusWagering.assertWithinMaxBet(bonus, stake);
      return null;
    } catch (error) {
      return failureOf(error) ?? 'LIMIT_REACHED';
    }
  }

  /** The row's common fields; its round is created by the claim statement itself (`round`). */
  private rowBase(
    command: TransactionCommand,
    userId: string,
    sessionId: string,
    currency: string,
    fingerprint: string,
  ): NewGameTransaction {
    return {
      providerId: command.provider.id,
      externalId: command.transactionId,
      kind: command.kind,
      status: 'pending',
      fingerprint,
      userId,
      sessionId,
      roundId: null,
      round: command.gameCode !== null ? command.round : null,
      roundClosed: command.roundClosed,
      gameCode: command.gameCode,
      currency,
      amount: null,
      referenceExternalId: command.kind === 'bet' ? null : command.referenceTransactionId,
      isFree: false,
      isPromo: false,
      walletCommand: null,
      details: command.details,
    };
  }

  private walletKey(provider: ProviderRef, externalId: string): { scope: string; key: string } {
    return { scope: `game:${provider.code}`, key: externalId };
  }

  private metadataOf(command: TransactionCommand): Record<string, string> {
    return {
      provider: command.provider.code,
      providerTransactionId: command.transactionId,
      ...(command.gameCode ? { gameCode: command.gameCode.slice(0, 200) } : {}),
      ...(command.round ? { round: command.round.slice(0, 200) } : {}),
    };
  }

  public async currentBalance(userId: string, currency: string): Promise<PlayerBalance> {
    const wallet = (await this.wallets.walletsOfUser(userId)).find((view) => view.balances.currency === currency);
    return { userId, currency, balance: wallet?.balances.available ?? 0n };
  }
}

/**
 * A reward the player does not have is a request the wallet cannot honour (not a transient state: the provider must
 * not retry it); another game's reward is the wrong game; a used-up or ended reward is a limit (reference §5).
 */
const FREE_SPIN_FAILURES: Record<FreeSpinRefusal, GameWalletFailure> = {
  unknown_reward: 'INVALID_REQUEST',
  other_game: 'INVALID_GAME',
  spins_used: 'LIMIT_REACHED',
  reward_ended: 'LIMIT_REACHED',
};

/** Why a win may not settle its bet (§4.3, §4.6), or null when it may. */
function winRefusal(
  bet: Pick<GameTransactionRow, 'kind' | 'status' | 'userId'> | null,
  userId: string,
): GameWalletFailure | null {
  if (!bet) return 'TRANSACTION_NOT_FOUND';
  if (bet.kind === 'tombstone') return 'TRANSACTION_ROLLED_BACK';
  if (bet.kind !== 'bet' || bet.userId !== userId) return 'TRANSACTION_NOT_FOUND';
  if (bet.status === 'rolling_back' || bet.status === 'rolled_back') return 'TRANSACTION_ROLLED_BACK';
  if (bet.status === 'refused') return 'TRANSACTION_NOT_FOUND';
  if (bet.status === 'pending') return 'RETRY_LATER';
  return null;
}
